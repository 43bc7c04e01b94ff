import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import { addMember, auditRows, memberPrincipal, secondOrganization, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const PASSWORD = 'a long enough password';

async function membership(h: TestApp, userId: string, orgId = h.orgId) {
  return h.storage.repos.memberships.find(orgId, userId);
}

for (const database of TEST_DATABASES) {
  describe(`${database}: members`, () => {
    it('adds a new user as a member with a hashed password, lists, changes the role and removes them, auditing each', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());

      const added = await h.call('POST', '/v1/members', h.ownerKey, { email: 'Ann@Acme.test', name: 'Ann', password: PASSWORD, role: 'member' });
      assert.equal(added.statusCode, 201);
      const ann = added.json();
      assert.match(ann.userId, /^usr_[A-Za-z0-9]{20}$/);
      assert.deepEqual({ ...ann, userId: null }, { userId: null, email: 'ann@acme.test', name: 'Ann', role: 'member', createdAt: new Date(h.clock.now()).toISOString() });
      const user = await h.storage.repos.users.findById(ann.userId);
      assert.match(user!.password_hash, /^scrypt\$/);
      assert.ok(!user!.password_hash.includes(PASSWORD));
      assert.ok(await verifyPassword(PASSWORD, user!.password_hash));
      assert.equal((await signIn(h, 'ann@acme.test', PASSWORD)).response.json().role, 'member');

      const list = await h.call('GET', '/v1/members', h.ownerKey);
      assert.deepEqual(list.json().items.map((m: { email: string; role: string }) => [m.email, m.role]), [['ann@acme.test', 'member'], [OWNER_EMAIL, 'owner']]);
      assert.equal(list.json().nextCursor, null);
      const paged = (await h.call('GET', '/v1/members?limit=1', h.ownerKey)).json();
      const rest = (await h.call('GET', `/v1/members?limit=1&cursor=${paged.nextCursor}`, h.ownerKey)).json();
      assert.deepEqual([...paged.items, ...rest.items].map((m: { email: string }) => m.email), ['ann@acme.test', OWNER_EMAIL]);

      const changed = await h.call('PATCH', `/v1/members/${ann.userId}`, h.ownerKey, { role: 'admin' });
      assert.equal(changed.statusCode, 200);
      assert.equal(changed.json().role, 'admin');
      assert.equal((await membership(h, ann.userId))?.role, 'admin');

      assert.equal((await h.call('DELETE', `/v1/members/${ann.userId}`, h.ownerKey)).statusCode, 204);
      assert.equal(await membership(h, ann.userId), null);
      assert.equal((await h.call('PATCH', `/v1/members/${ann.userId}`, h.ownerKey, { role: 'viewer' })).statusCode, 404);
      assert.equal((await h.call('DELETE', `/v1/members/${ann.userId}`, h.ownerKey)).statusCode, 404);

      const addedRow = (await auditRows(h, 'member.added')).find((r) => r.target_id === ann.userId);
      assert.deepEqual(JSON.parse(addedRow!.details!), { email: 'ann@acme.test', role: 'member', userCreated: true });
      assert.ok(!addedRow!.details!.includes(PASSWORD));
      const [roleRow] = await auditRows(h, 'member.role_changed');
      assert.deepEqual(JSON.parse(roleRow!.details!), { email: 'ann@acme.test', from: 'member', to: 'admin' });
      const [removedRow] = await auditRows(h, 'member.removed');
      assert.equal(removedRow?.target_id, ann.userId);
    });

    it('adds an existing user without touching their name or password, and refuses a second membership', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const before = await h.storage.repos.users.findById(h.ownerUserId);

      const joined = await sessionCall(h, beta.session, 'POST', '/v1/members', { email: 'ann@acme.test', password: PASSWORD, role: 'viewer' });
      assert.equal(joined.statusCode, 201);
      const annId = joined.json().userId;
      const again = await h.call('POST', '/v1/members', h.ownerKey, { email: 'ANN@acme.test', role: 'viewer', name: 'Someone else', password: 'another long password' });
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().userId, annId);
      assert.equal(again.json().name, '');
      const ann = await h.storage.repos.users.findById(annId);
      assert.ok(await verifyPassword(PASSWORD, ann!.password_hash));
      const addedHere = (await auditRows(h, 'member.added')).find((r) => r.target_id === annId);
      assert.equal(JSON.parse(addedHere!.details!).userCreated, false);

      const duplicate = await h.call('POST', '/v1/members', h.ownerKey, { email: OWNER_EMAIL, role: 'viewer' });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().error.code, 'ALREADY_MEMBER');
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.deepEqual(await h.storage.repos.users.findById(h.ownerUserId), before);
    });

    it('requires a password of at least 12 characters to create a user', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const missing = await h.call('POST', '/v1/members', h.ownerKey, { email: 'new@acme.test', role: 'member' });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().error.code, 'VALIDATION_FAILED');
      assert.equal(missing.json().error.details.field, 'password');
      const short = await h.call('POST', '/v1/members', h.ownerKey, { email: 'new@acme.test', role: 'member', password: 'short pass' });
      assert.equal(short.statusCode, 400);
      assert.equal(await h.storage.repos.users.findByEmail('new@acme.test'), null);
      assert.equal((await auditRows(h, 'member.added')).length, 1);
    });

    it('never lets the last owner be demoted or removed', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const [method, body] of [['PATCH', { role: 'admin' }], ['DELETE', undefined]] as const) {
        const response = await h.call(method, `/v1/members/${h.ownerUserId}`, h.ownerKey, body);
        assert.equal(response.statusCode, 409, method);
        assert.equal(response.json().error.code, 'LAST_OWNER');
      }
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const self = await sessionCall(h, owner, 'PATCH', `/v1/members/${h.ownerUserId}`, { role: 'viewer' });
      assert.equal(self.json().error.code, 'LAST_OWNER');
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');

      const second = await addMember(h, 'second@acme.test', 'owner');
      const demoted = await sessionCall(h, owner, 'PATCH', `/v1/members/${h.ownerUserId}`, { role: 'admin' });
      assert.equal(demoted.statusCode, 200);
      assert.equal((await membership(h, h.ownerUserId))?.role, 'admin');
      const lastOne = await h.call('DELETE', `/v1/members/${second}`, h.ownerKey);
      assert.equal(lastOne.json().error.code, 'LAST_OWNER');
      assert.equal((await membership(h, second))?.role, 'owner');
      assert.equal((await h.storage.repos.memberships.countOwners(h.orgId)), 1);
      assert.equal((await auditRows(h, 'member.role_changed')).length, 1);
      assert.equal((await auditRows(h, 'member.removed')).length, 0);
    });

    it('lets only an owner make, unmake or remove owners, and no credential grant a role beyond its own rights', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const adminId = await addMember(h, 'admin@acme.test', 'admin');
      const viewerId = await addMember(h, 'viewer@acme.test', 'viewer');
      const admin = await signIn(h, 'admin@acme.test', 'a long enough password');

      const makeOwner = await sessionCall(h, admin, 'PATCH', `/v1/members/${viewerId}`, { role: 'owner' });
      assert.equal(makeOwner.statusCode, 403);
      assert.equal(makeOwner.json().error.code, 'PERMISSION_DENIED');
      const addOwner = await sessionCall(h, admin, 'POST', '/v1/members', { email: 'boss@acme.test', password: PASSWORD, role: 'owner' });
      assert.equal(addOwner.statusCode, 403);
      const demoteOwner = await sessionCall(h, admin, 'PATCH', `/v1/members/${h.ownerUserId}`, { role: 'member' });
      assert.equal(demoteOwner.statusCode, 403);
      const removeOwner = await sessionCall(h, admin, 'DELETE', `/v1/members/${h.ownerUserId}`);
      assert.equal(removeOwner.statusCode, 403);
      assert.equal((await membership(h, viewerId))?.role, 'viewer');
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.equal(await h.storage.repos.users.findByEmail('boss@acme.test'), null);

      assert.equal((await sessionCall(h, admin, 'PATCH', `/v1/members/${viewerId}`, { role: 'admin' })).statusCode, 200);

      const narrow = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Member manager', permissions: ['latchkey:members:read', 'latchkey:members:write'] });
      const secret = narrow.json().secret;
      const escalate = await h.call('PATCH', `/v1/members/${viewerId}`, secret, { role: 'owner' });
      assert.equal(escalate.json().error.code, 'PERMISSION_DENIED');
      const toAdmin = await h.call('POST', '/v1/members', secret, { email: 'sneaky@acme.test', password: PASSWORD, role: 'admin' });
      assert.equal(toAdmin.statusCode, 403);
      assert.equal(toAdmin.json().error.code, 'PERMISSION_ESCALATION');
      assert.equal(await h.storage.repos.users.findByEmail('sneaky@acme.test'), null);

      const promoted = await h.call('PATCH', `/v1/members/${viewerId}`, h.ownerKey, { role: 'owner' });
      assert.equal(promoted.statusCode, 200);
      assert.equal((await membership(h, viewerId))?.role, 'owner');
    });

    it("demoting a member takes their personal token's rights away on the very next request", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const userId = await addMember(h, 'dev@acme.test', 'admin');
      const pat = await h.latchkey.tokens.create(memberPrincipal(h.orgId, userId, 'admin'), { description: 'laptop' }, NO_REQUEST);

      assert.equal((await h.call('POST', '/v1/projects', pat.secret, { name: 'Before' })).statusCode, 201);
      const before = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: pat.secret, permissions: 'latchkey:projects:write' });
      assert.equal(before.json().code, 'VALID');

      assert.equal((await h.call('PATCH', `/v1/members/${userId}`, h.ownerKey, { role: 'viewer' })).statusCode, 200);

      const write = await h.call('POST', '/v1/projects', pat.secret, { name: 'After' });
      assert.equal(write.statusCode, 403);
      assert.equal(write.json().error.code, 'PERMISSION_DENIED');
      assert.equal((await h.call('GET', '/v1/projects', pat.secret)).statusCode, 200);
      const after = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: pat.secret, permissions: 'latchkey:projects:write' });
      assert.deepEqual([after.json().valid, after.json().code], [false, 'INSUFFICIENT_PERMISSIONS']);
      assert.equal(await h.storage.repos.projects.list(h.orgId, { limit: 10, search: 'After' }).then((r) => r.length), 0);
    });

    it("removing a member revokes their personal tokens at once and ends their sessions in that organization", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const userId = await addMember(h, 'leaver@acme.test', 'member');
      const pat = await h.latchkey.tokens.create(memberPrincipal(h.orgId, userId, 'member'), { description: 'ci' }, NO_REQUEST);
      const session = await signIn(h, 'leaver@acme.test', 'a long enough password');
      assert.equal((await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: pat.secret })).json().code, 'VALID');
      assert.equal((await sessionCall(h, session, 'GET', '/v1/whoami')).statusCode, 200);

      h.clock.advance(5000);
      assert.equal((await h.call('DELETE', `/v1/members/${userId}`, h.ownerKey)).statusCode, 204);

      const verified = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: pat.secret });
      assert.equal(verified.json().valid, false);
      assert.equal((await h.call('GET', '/v1/whoami', pat.secret)).statusCode, 401);
      assert.equal((await sessionCall(h, session, 'GET', '/v1/whoami')).statusCode, 401);
      const stored = await h.storage.repos.keys.findById(h.orgId, pat.key.id);
      assert.equal(stored?.revokedAt, h.clock.now());
      assert.equal(await h.storage.repos.sessions.findById(h.latchkey.ctx.digest(`session:${session.cookie.split('=')[1]}`)), null);

      const [removed] = await auditRows(h, 'member.removed');
      assert.deepEqual(JSON.parse(removed!.details!), { email: 'leaver@acme.test', role: 'member', revokedTokens: 1 });
      assert.deepEqual((await auditRows(h, 'token.revoked')).map((r) => r.target_id), [pat.key.id]);
    });

    it("answers 404 for a member of another organization", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const outsider = await sessionCall(h, beta.session, 'POST', '/v1/members', { email: 'beta@beta.test', password: PASSWORD, role: 'member' });
      const outsiderId = outsider.json().userId;

      for (const [method, body] of [['PATCH', { role: 'viewer' }], ['DELETE', undefined]] as const) {
        const response = await h.call(method, `/v1/members/${outsiderId}`, h.ownerKey, body);
        assert.equal(response.statusCode, 404, method);
        assert.equal(response.json().error.code, 'NOT_FOUND');
      }
      const acme = (await h.call('GET', '/v1/members', h.ownerKey)).json().items.map((m: { email: string }) => m.email);
      assert.deepEqual(acme, [OWNER_EMAIL]);
      assert.equal((await membership(h, outsiderId, beta.orgId))?.role, 'member');
    });

    it('keeps project-restricted credentials and read-only roles from managing members', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const project = (await h.call('POST', '/v1/projects', h.ownerKey, { name: 'P' })).json().id;
      const confined = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Confined', permissions: ['*'], projectIds: [project] });
      const add = await h.call('POST', '/v1/members', confined.json().secret, { email: 'x@acme.test', password: PASSWORD, role: 'viewer' });
      assert.equal(add.statusCode, 403);
      assert.equal(add.json().error.details.reason, 'project_restricted');
      assert.equal((await h.call('GET', '/v1/members', confined.json().secret)).statusCode, 200);

      await addMember(h, 'viewer@acme.test', 'viewer');
      const viewer = await signIn(h, 'viewer@acme.test', 'a long enough password');
      assert.equal((await sessionCall(h, viewer, 'GET', '/v1/members')).statusCode, 200);
      const refused = await sessionCall(h, viewer, 'POST', '/v1/members', { email: 'y@acme.test', password: PASSWORD, role: 'viewer' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.details.required, 'latchkey:members:write');
      assert.equal((await h.call('GET', '/v1/members', h.ownerKey)).json().items.length, 2);
    });

    it('refuses bad input with 400 VALIDATION_FAILED and stores nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const bodies: unknown[] = [
        { email: 'a@acme.test', password: PASSWORD, role: 'superuser' },
        { email: 'not an email', password: PASSWORD, role: 'member' },
        { email: 'a@acme.test', password: PASSWORD, role: 'member', orgId: 'org_00000000000000000000' },
        { email: 'a@acme.test', password: PASSWORD, role: { name: 'member' } },
        { email: `${'a'.repeat(250)}@acme.test`, password: PASSWORD, role: 'member' },
        { email: 'a@acme.test', password: 'p'.repeat(257), role: 'member' },
        { email: 'a@acme.test', name: 'n'.repeat(101), password: PASSWORD, role: 'member' },
        { email: 'a@acme.test', password: PASSWORD },
      ];
      for (const body of bodies) {
        const response = await h.call('POST', '/v1/members', h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      for (const body of [{ role: 'root' }, { role: 'viewer', email: 'x@y.z' }, {}]) {
        const response = await h.call('PATCH', `/v1/members/${h.ownerUserId}`, h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
      }
      assert.equal((await h.call('DELETE', '/v1/members/not-a-user', h.ownerKey)).statusCode, 400);
      assert.equal(await h.storage.repos.users.findByEmail('a@acme.test'), null);
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.equal((await auditRows(h, 'member.added')).length, 1);
    });
  });
}
