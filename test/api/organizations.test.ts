import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, auditRows, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: organizations`, () => {
    it('lets a signed-in user found an organization, become its owner and sign in to it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const home = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);

      h.clock.advance(1000);
      const created = await sessionCall(h, home, 'POST', '/v1/organizations', { name: 'Beta' });
      assert.equal(created.statusCode, 201);
      const beta = created.json();
      assert.match(beta.id, /^org_[A-Za-z0-9]{20}$/);
      assert.deepEqual({ ...beta, id: null }, { id: null, name: 'Beta', role: 'owner', createdAt: new Date(h.clock.now()).toISOString() });
      assert.equal((await h.storage.repos.organizations.findById(beta.id))?.name, 'Beta');
      assert.equal((await h.storage.repos.memberships.find(beta.id, h.ownerUserId))?.role, 'owner');
      const [founded] = await auditRows(h, 'organization.created', beta.id);
      assert.deepEqual([founded?.actor.type, founded?.actor.id, founded?.target?.id], ['user', h.ownerUserId, beta.id]);
      // Beta's log is Beta's: it names no other organization (it used to carry the founding session's org id).
      assert.deepEqual(founded!.details!, { name: 'Beta' });
      const betaLog = await h.storage.repos.audit.list({ orgId: beta.id, limit: 200 });
      assert.ok(betaLog.length >= 2);
      assert.ok(!JSON.stringify(betaLog).includes(h.orgId), 'no row in Beta mentions Acme');
      assert.equal((await auditRows(h, 'member.added', beta.id))[0]?.target?.id, h.ownerUserId);

      const mine = await sessionCall(h, home, 'GET', '/v1/organizations');
      assert.deepEqual(mine.json().items.map((o: { name: string; role: string }) => [o.name, o.role]), [['Acme', 'owner'], ['Beta', 'owner']]);
      assert.equal(mine.json().nextCursor, null);

      const there = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD, beta.id);
      assert.deepEqual(there.response.json().organization, { id: beta.id, name: 'Beta' });
      const project = await sessionCall(h, there, 'POST', '/v1/projects', { name: 'In Beta' });
      assert.equal(project.statusCode, 201);
      assert.ok(await h.storage.repos.projects.findById(beta.id, project.json().id));
      assert.equal((await h.call('GET', `/v1/projects/${project.json().id}`, h.ownerKey)).statusCode, 404);
      assert.equal((await sessionCall(h, home, 'GET', `/v1/projects/${project.json().id}`)).statusCode, 404);
    });

    it('signs in to the first membership by default and refuses an organization the user is not in', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await addMember(h, 'ann@acme.test', 'viewer');
      const ann = await signIn(h, 'ann@acme.test', 'a long enough password');
      assert.deepEqual([ann.response.json().organization.id, ann.response.json().role], [h.orgId, 'viewer']);

      const home = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const beta = (await sessionCall(h, home, 'POST', '/v1/organizations', { name: 'Beta' })).json();
      const refused = await h.call('POST', '/v1/auth/sign-in', null, { email: 'ann@acme.test', password: 'a long enough password', organizationId: beta.id });
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().error.code, 'INVALID_SIGN_IN');
      // The password was right, so the attempt is recorded, as the user, in the user's own organization.
      const [failure] = await auditRows(h, 'auth.sign_in_failed');
      assert.equal(failure!.details!.reason, 'not_a_member');
      assert.deepEqual([failure!.actor.type, failure!.actor.id], ['user', ann.response.json().user.id]);
      assert.equal((await auditRows(h, 'auth.sign_in_failed', beta.id)).length, 0);

      const annOrgs = await sessionCall(h, ann, 'GET', '/v1/organizations');
      assert.deepEqual(annOrgs.json().items.map((o: { id: string; role: string }) => [o.id, o.role]), [[h.orgId, 'viewer']]);
    });

    it('shows a key only its own organization and lets only a session found one', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const home = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      await sessionCall(h, home, 'POST', '/v1/organizations', { name: 'Beta' });

      const listed = await h.call('GET', '/v1/organizations', h.ownerKey);
      assert.equal(listed.statusCode, 200);
      assert.deepEqual(listed.json().items.map((o: { id: string; name: string; role: unknown }) => [o.id, o.name, o.role]), [[h.orgId, 'Acme', null]]);

      const byKey = await h.call('POST', '/v1/organizations', h.ownerKey, { name: 'Gamma' });
      assert.equal(byKey.statusCode, 401);
      assert.equal(byKey.json().error.code, 'AUTH_MISSING');
      assert.equal(await h.storage.repos.organizations.count(), 2);
    });

    it('refuses bad input with 400 VALIDATION_FAILED and creates nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const home = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      for (const body of [{}, { name: '' }, { name: 'n'.repeat(101) }, { name: 'Beta', ownerId: h.ownerUserId }, { name: { text: 'Beta' } }, { name: 'tab\there' }]) {
        const response = await sessionCall(h, home, 'POST', '/v1/organizations', body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      assert.equal(await h.storage.repos.organizations.count(), 1);
      assert.equal((await auditRows(h, 'organization.created')).length, 1);
    });
  });
}
