import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKey, declarePermissions, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { addMember, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const PASSWORD = 'a long enough password';

/** A member added over the API, signed in, holding one personal token made without permissions (so `*`). */
async function memberWithToken(h: TestApp, email: string, role: 'owner' | 'admin' | 'member' | 'viewer') {
  const userId = await addMember(h, email, role, PASSWORD);
  const session = await signIn(h, email, PASSWORD);
  const response = await sessionCall(h, session, 'POST', '/v1/tokens', { description: `${role} token` });
  assert.equal(response.statusCode, 201, response.body);
  return { userId, session, token: response.json() as { id: string; secret: string; permissions: string[] } };
}

async function tokenCount(h: TestApp): Promise<number> {
  return (await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'personal_token', now: h.clock.now(), limit: 1000 })).length;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: what a personal token may do`, () => {
    it("holds its own permissions intersected with its user's role: a member's `*` token cannot create org keys", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const { token, session } = await memberWithToken(h, 'mia@acme.test', 'member');
      assert.deepEqual(token.permissions, ['*']);
      assert.equal((await h.call('GET', '/v1/keys', token.secret)).statusCode, 200);
      const keysBefore = (await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', now: h.clock.now(), limit: 100 })).length;
      for (const [method, url, body, permission] of [
        ['POST', '/v1/keys', { name: 'nope', permissions: ['latchkey:keys:read'] }, 'latchkey:keys:write'],
        ['POST', '/v1/keys/verify', { key: h.ownerKey }, 'latchkey:keys:verify'],
        ['GET', '/v1/tokens?all=true', undefined, 'latchkey:tokens:admin'],
      ] as const) {
        const response = await h.call(method, url, token.secret, body);
        assert.equal(response.statusCode, 403, url);
        assert.equal(errorCode(response), 'PERMISSION_DENIED');
        assert.equal(response.headers['www-authenticate'], `Bearer realm="latchkey", error="insufficient_scope", scope="${permission}"`);
      }
      assert.equal((await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', now: h.clock.now(), limit: 100 })).length, keysBefore);

      // Asking for more than the role allows is an escalation, whether by session or by token; nothing is created.
      const count = await tokenCount(h);
      for (const permissions of [['latchkey:keys:write'], ['*'], ['latchkey:*'], ['latchkey:tokens:admin']]) {
        const bySession = await sessionCall(h, session, 'POST', '/v1/tokens', { description: 'more', permissions });
        assert.equal(bySession.statusCode, 403, JSON.stringify(permissions));
        assert.equal(errorCode(bySession), 'PERMISSION_ESCALATION');
        const byToken = await h.call('POST', '/v1/tokens', token.secret, { description: 'more', permissions });
        assert.equal(errorCode(byToken), 'PERMISSION_ESCALATION');
      }
      assert.equal(await tokenCount(h), count);
      const within = await h.call('POST', '/v1/tokens', token.secret, { description: 'reader', permissions: ['latchkey:keys:read'] });
      assert.equal(within.statusCode, 201);
    });

    it('verification applies the role too: a viewer token holding `*` verifies for read permissions only', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const viewer = await memberWithToken(h, 'vic@acme.test', 'viewer');
      const memberToken = await memberWithToken(h, 'mia@acme.test', 'member');
      const cases: Array<[string, string, string]> = [
        [viewer.token.secret, 'tests:read', 'VALID'],
        [viewer.token.secret, 'tests:write', 'INSUFFICIENT_PERMISSIONS'],
        [viewer.token.secret, 'tests:read AND reports:daily:read', 'VALID'],
        [viewer.token.secret, 'tests:*', 'INSUFFICIENT_PERMISSIONS'],
        [viewer.token.secret, 'latchkey:keys:read', 'VALID'],
        [memberToken.token.secret, 'tests:admin AND billing:write', 'VALID'],
        [memberToken.token.secret, 'latchkey:keys:write', 'INSUFFICIENT_PERMISSIONS'],
      ];
      for (const [key, permissions, code] of cases) assert.equal((await verify(h, { key, permissions })).code, code, permissions);
    });

    it("demoting the token's user takes effect on the very next request and verification; removing them ends the token", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const olga = await memberWithToken(h, 'olga@acme.test', 'owner');
      const create = (name: string) => h.call('POST', '/v1/keys', olga.token.secret, { name, permissions: ['latchkey:keys:read'] });
      assert.equal((await create('while owner')).statusCode, 201);
      assert.equal((await verify(h, { key: olga.token.secret, permissions: 'latchkey:keys:write' })).code, 'VALID');

      const demoted = await h.call('PATCH', `/v1/members/${olga.userId}`, h.ownerKey, { role: 'member' });
      assert.equal(demoted.statusCode, 200, demoted.body);
      const refused = await create('while member');
      assert.equal(refused.statusCode, 403);
      assert.equal(errorCode(refused), 'PERMISSION_DENIED');
      assert.equal((await verify(h, { key: olga.token.secret, permissions: 'latchkey:keys:write' })).code, 'INSUFFICIENT_PERMISSIONS');
      assert.equal((await h.call('GET', '/v1/keys', olga.token.secret)).statusCode, 200);
      assert.deepEqual((await storedKey(h, olga.token.id))?.permissions, ['*']);

      await h.call('PATCH', `/v1/members/${olga.userId}`, h.ownerKey, { role: 'admin' });
      assert.equal((await create('while admin')).statusCode, 201);

      const removed = await h.call('DELETE', `/v1/members/${olga.userId}`, h.ownerKey);
      assert.equal(removed.statusCode, 204, removed.body);
      const after = await h.call('GET', '/v1/keys', olga.token.secret);
      assert.equal(after.statusCode, 401);
      const gone = await verify(h, { key: olga.token.secret });
      assert.deepEqual([gone.valid, gone.code], [false, 'NOT_FOUND']);
    });

    it('a token made by a narrower token inherits that narrower set, and never outlives it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const { session } = await memberWithToken(h, 'mia@acme.test', 'member');
      const narrow = await sessionCall(h, session, 'POST', '/v1/tokens', { description: 'narrow', permissions: ['latchkey:keys:read', 'latchkey:tokens:write'], expiresIn: '30d' });
      const secret = narrow.json().secret;
      const child = await h.call('POST', '/v1/tokens', secret, { description: 'child', expiresIn: '30d' });
      assert.equal(child.statusCode, 201, child.body);
      assert.deepEqual(child.json().permissions, ['latchkey:keys:read', 'latchkey:tokens:write']);
      for (const body of [{ description: 'forever' }, { description: 'later', expiresIn: '90d' }]) {
        const response = await h.call('POST', '/v1/tokens', secret, body);
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION', JSON.stringify(body));
      }
      // It cannot roll a sibling that holds more than it does, and it cannot reach org key creation at all.
      const wide = await sessionCall(h, session, 'POST', '/v1/tokens', { description: 'wide' });
      const roll = await h.call('POST', `/v1/tokens/${wide.json().id}/regenerate`, secret, {});
      assert.equal(errorCode(roll), 'PERMISSION_ESCALATION');
      assert.equal((await verify(h, { key: wide.json().secret })).code, 'VALID');
      const key = await h.call('POST', '/v1/keys', secret, { name: 'k', permissions: ['latchkey:keys:read'] });
      assert.equal(key.statusCode, 403);
      const org = await createKey(h, { name: 'reader', permissions: ['latchkey:keys:read'] });
      assert.equal((await h.call('GET', `/v1/keys/${org.id}`, secret)).statusCode, 200);
    });
  });
}
