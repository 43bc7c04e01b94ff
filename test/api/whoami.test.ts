import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import { addMember, memberPrincipal, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

async function declare(h: TestApp, names: string[]): Promise<void> {
  for (const name of names) {
    const response = await h.call('POST', '/v1/permissions', h.ownerKey, { name, description: name });
    assert.equal(response.statusCode, 201, response.body);
  }
}

for (const database of TEST_DATABASES) {
  describe(`${database}: whoami`, () => {
    it('describes an organization key', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const project = (await h.call('POST', '/v1/projects', h.ownerKey, { name: 'P' })).json().id;
      const created = (
        await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Reader', permissions: ['latchkey:projects:read'], projectIds: [project], expiresIn: '30d' })
      ).json();

      const me = await h.call('GET', '/v1/whoami', created.secret);
      assert.equal(me.statusCode, 200);
      assert.deepEqual(me.json(), {
        kind: 'org_key',
        organization: { id: h.orgId, name: 'Acme' },
        user: null,
        role: null,
        key: { id: created.id, name: 'Reader', start: created.start, expiresAt: created.expiresAt },
        permissions: ['latchkey:projects:read'],
        keyPermissions: ['latchkey:projects:read'],
        rolePermissions: null,
        projectIds: [project],
      });
      assert.equal((await h.call('GET', '/v1/whoami', h.ownerKey)).json().permissions[0], '*');
    });

    it("describes a session with its role's grants, the API markers spelled out from the catalog", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declare(h, ['tests:read', 'tests:write', 'deploy']);
      const owner = await sessionCall(h, await signIn(h, OWNER_EMAIL, OWNER_PASSWORD), 'GET', '/v1/whoami');
      assert.deepEqual(owner.json(), {
        kind: 'session',
        organization: { id: h.orgId, name: 'Acme' },
        user: { id: h.ownerUserId, email: OWNER_EMAIL, name: 'Olive Owner' },
        role: 'owner',
        key: null,
        permissions: ['*'],
        keyPermissions: null,
        rolePermissions: ['*'],
        projectIds: null,
      });

      await addMember(h, 'viewer@acme.test', 'viewer');
      const viewer = (await sessionCall(h, await signIn(h, 'viewer@acme.test', 'a long enough password'), 'GET', '/v1/whoami')).json();
      assert.equal(viewer.role, 'viewer');
      assert.ok(viewer.permissions.includes('tests:read'));
      assert.ok(viewer.permissions.includes('latchkey:members:read'));
      assert.ok(!viewer.permissions.includes('tests:write'));
      assert.ok(!viewer.permissions.includes('deploy'));
      assert.ok(!viewer.permissions.some((p: string) => p.startsWith('@')));
    });

    it("describes a personal token: its own list, its user's role, and what both allow", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declare(h, ['tests:read', 'tests:write']);
      const userId = await addMember(h, 'dev@acme.test', 'member');
      const pat = await h.latchkey.tokens.create(
        memberPrincipal(h.orgId, userId, 'member'),
        { description: 'cli', permissions: ['tests:write', 'latchkey:keys:read'] },
        NO_REQUEST,
      );

      const asMember = (await h.call('GET', '/v1/whoami', pat.secret)).json();
      assert.equal(asMember.kind, 'personal_token');
      assert.deepEqual(asMember.user, { id: userId, email: 'dev@acme.test', name: '' });
      assert.equal(asMember.role, 'member');
      assert.equal(asMember.key.id, pat.key.id);
      assert.deepEqual(asMember.keyPermissions, ['tests:write', 'latchkey:keys:read']);
      assert.ok(asMember.rolePermissions.includes('tests:write'));
      assert.deepEqual([...asMember.permissions].sort(), ['latchkey:keys:read', 'tests:read', 'tests:write']);

      await h.call('PATCH', `/v1/members/${userId}`, h.ownerKey, { role: 'viewer' });
      const asViewer = (await h.call('GET', '/v1/whoami', pat.secret)).json();
      assert.equal(asViewer.role, 'viewer');
      assert.deepEqual([...asViewer.permissions].sort(), ['latchkey:keys:read', 'tests:read']);
    });

    it('needs a credential', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const response = await h.call('GET', '/v1/whoami', null);
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'AUTH_MISSING');
    });
  });
}
