import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import { addMember, auditRows, memberPrincipal, secondOrganization, sessionCall, signIn, type TestSession } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const PASSWORD = 'a long enough password';

async function membership(h: TestApp, userId: string, orgId = h.orgId) {
  return h.storage.repos.memberships.find(orgId, userId);
}

/** Invites a new person into the session's organization and has them accept by creating their account. */
async function addMemberTo(h: TestApp, session: TestSession, email: string, role: string): Promise<string> {
  const invited = await sessionCall(h, session, 'POST', '/v1/invitations', { email, role });
  assert.equal(invited.statusCode, 201, invited.body);
  const accepted = await h.call('POST', '/v1/invitations/accept-new-account', null, { token: invited.json().token, password: PASSWORD });
  assert.equal(accepted.statusCode, 201, accepted.body);
  return accepted.json().member.userId;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: members`, () => {
    it('lists members, changes a role and removes a member, auditing each', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const annId = await addMember(h, 'Ann@Acme.test', 'member');

      const list = await h.call('GET', '/v1/members', h.ownerKey);
      assert.deepEqual(list.json().items.map((m: { email: string; role: string }) => [m.email, m.role]), [['ann@acme.test', 'member'], [OWNER_EMAIL, 'owner']]);
      assert.equal(list.json().nextCursor, null);
      const paged = (await h.call('GET', '/v1/members?limit=1', h.ownerKey)).json();
      const rest = (await h.call('GET', `/v1/members?limit=1&cursor=${paged.nextCursor}`, h.ownerKey)).json();
      assert.deepEqual([...paged.items, ...rest.items].map((m: { email: string }) => m.email), ['ann@acme.test', OWNER_EMAIL]);

      const changed = await h.call('PATCH', `/v1/members/${annId}`, h.ownerKey, { role: 'admin' });
      assert.equal(changed.statusCode, 200);
      const changedMember: Record<string, unknown> = changed.json();
      assert.deepEqual({ ...changedMember, createdAt: null }, { userId: annId, email: 'ann@acme.test', name: '', role: 'admin', createdAt: null });
      assert.equal((await membership(h, annId))?.role, 'admin');

      assert.equal((await h.call('DELETE', `/v1/members/${annId}`, h.ownerKey)).statusCode, 204);
      assert.equal(await membership(h, annId), null);
      assert.equal((await h.call('PATCH', `/v1/members/${annId}`, h.ownerKey, { role: 'viewer' })).statusCode, 404);
      assert.equal((await h.call('DELETE', `/v1/members/${annId}`, h.ownerKey)).statusCode, 404);

      const [roleRow] = await auditRows(h, 'member.role_changed');
      assert.deepEqual(roleRow!.details!, { email: 'ann@acme.test', from: 'member', to: 'admin' });
      const [removedRow] = await auditRows(h, 'member.removed');
      assert.equal(removedRow?.target?.id, annId);
    });

    it('no longer adds anyone directly: POST /v1/members is gone, and an existing account from another organization is not linked', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const outsiderId = await addMemberTo(h, beta.session, 'ann@beta.test', 'viewer');
      for (const body of [{ email: 'ann@beta.test', role: 'viewer' }, { email: 'new@acme.test', password: PASSWORD, role: 'member' }]) {
        const response = await h.call('POST', '/v1/members', h.ownerKey, body);
        assert.equal(response.statusCode, 404, JSON.stringify(body));
        assert.equal(response.json().error.code, 'NOT_FOUND');
        assert.ok(!response.body.includes(outsiderId));
      }
      assert.equal(await membership(h, outsiderId), null);
      assert.equal(await h.storage.repos.users.findByEmail('new@acme.test'), null);
      assert.deepEqual((await h.call('GET', '/v1/members', h.ownerKey)).json().items.map((m: { email: string }) => m.email), [OWNER_EMAIL]);
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
      // The owner key was made by a user who is an admin now: it acts as an admin's key.
      const byOldKey = await h.call('DELETE', `/v1/members/${second}`, h.ownerKey);
      assert.deepEqual([byOldKey.json().error.code, byOldKey.json().error.details.required], ['PERMISSION_DENIED', 'owner']);
      const secondSession = await signIn(h, 'second@acme.test', PASSWORD);
      const lastOne = await sessionCall(h, secondSession, 'DELETE', `/v1/members/${second}`);
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
      const addOwner = await sessionCall(h, admin, 'POST', '/v1/invitations', { email: 'boss@acme.test', role: 'owner' });
      assert.equal(addOwner.statusCode, 403);
      assert.equal(addOwner.json().error.details.required, 'owner');
      const demoteOwner = await sessionCall(h, admin, 'PATCH', `/v1/members/${h.ownerUserId}`, { role: 'member' });
      assert.equal(demoteOwner.statusCode, 403);
      const removeOwner = await sessionCall(h, admin, 'DELETE', `/v1/members/${h.ownerUserId}`);
      assert.equal(removeOwner.statusCode, 403);
      assert.equal((await membership(h, viewerId))?.role, 'viewer');
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.equal(await h.storage.repos.invitations.findPendingByEmail(h.orgId, 'boss@acme.test', h.clock.now()), null);

      assert.equal((await sessionCall(h, admin, 'PATCH', `/v1/members/${viewerId}`, { role: 'admin' })).statusCode, 200);

      const narrow = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Member manager', permissions: ['latchkey:members:read', 'latchkey:members:write'] });
      const secret = narrow.json().secret;
      const escalate = await h.call('PATCH', `/v1/members/${viewerId}`, secret, { role: 'owner' });
      assert.equal(escalate.json().error.code, 'PERMISSION_DENIED');
      const toAdmin = await h.call('POST', '/v1/invitations', secret, { email: 'sneaky@acme.test', role: 'admin' });
      assert.equal(toAdmin.statusCode, 403);
      assert.equal(toAdmin.json().error.code, 'PERMISSION_ESCALATION');
      assert.equal(await h.storage.repos.invitations.findPendingByEmail(h.orgId, 'sneaky@acme.test', h.clock.now()), null);
      // Nor can it take an admin's role away: acting on a role needs what the role holds.
      const adminDown = await h.call('PATCH', `/v1/members/${adminId}`, secret, { role: 'viewer' });
      assert.equal(adminDown.json().error.code, 'PERMISSION_ESCALATION');
      assert.equal((await h.call('DELETE', `/v1/members/${adminId}`, secret)).json().error.code, 'PERMISSION_ESCALATION');
      assert.equal((await membership(h, adminId))?.role, 'admin');

      const promoted = await h.call('PATCH', `/v1/members/${viewerId}`, h.ownerKey, { role: 'owner' });
      assert.equal(promoted.statusCode, 200);
      assert.equal((await membership(h, viewerId))?.role, 'owner');
    });

    it("never lets an admin's `*` key act as owner: it cannot promote its admin, demote or remove an owner, or invite one", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const adminId = await addMember(h, 'admin@acme.test', 'admin');
      const viewerId = await addMember(h, 'viewer@acme.test', 'viewer');
      const admin = await signIn(h, 'admin@acme.test', PASSWORD);
      const minted = await sessionCall(h, admin, 'POST', '/v1/keys', { name: 'Admin everything', permissions: ['*'] });
      assert.equal(minted.statusCode, 201, minted.body);
      const key = minted.json().secret;

      for (const [method, url, body] of [
        ['PATCH', `/v1/members/${adminId}`, { role: 'owner' }],
        ['PATCH', `/v1/members/${viewerId}`, { role: 'owner' }],
        ['PATCH', `/v1/members/${h.ownerUserId}`, { role: 'viewer' }],
        ['DELETE', `/v1/members/${h.ownerUserId}`, undefined],
        ['POST', '/v1/invitations', { email: 'boss@acme.test', role: 'owner' }],
      ] as const) {
        const response = await h.call(method, url, key, body);
        assert.equal(response.statusCode, 403, `${method} ${url}`);
        assert.deepEqual([response.json().error.code, response.json().error.details.required], ['PERMISSION_DENIED', 'owner']);
      }
      assert.equal((await membership(h, adminId))?.role, 'admin');
      assert.equal((await membership(h, viewerId))?.role, 'viewer');
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.equal(await h.storage.repos.memberships.countOwners(h.orgId), 1);
      assert.equal((await h.storage.repos.invitations.listPending(h.orgId, h.clock.now(), 10)).length, 0);
      assert.equal((await auditRows(h, 'member.role_changed')).length, 0);
      // Everything short of ownership it still may do.
      assert.equal((await h.call('PATCH', `/v1/members/${viewerId}`, key, { role: 'admin' })).statusCode, 200);
      assert.equal((await membership(h, viewerId))?.role, 'admin');
    });

    it("lets an owner's personal token act as owner only while it holds every owner permission", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const viewerId = await addMember(h, 'viewer@acme.test', 'viewer');
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const narrow = await sessionCall(h, owner, 'POST', '/v1/tokens', { description: 'members only', permissions: ['latchkey:members:read', 'latchkey:members:write'] });
      assert.equal(narrow.statusCode, 201, narrow.body);
      const secret = narrow.json().secret;

      const promote = await h.call('PATCH', `/v1/members/${viewerId}`, secret, { role: 'owner' });
      assert.equal(promote.statusCode, 403);
      assert.deepEqual([promote.json().error.code, promote.json().error.details.required], ['PERMISSION_DENIED', 'owner']);
      const inviteOwner = await h.call('POST', '/v1/invitations', secret, { email: 'boss@acme.test', role: 'owner' });
      assert.deepEqual([inviteOwner.statusCode, inviteOwner.json().error.details.required], [403, 'owner']);
      // Its own permissions bound every role it grants, not only owner.
      for (const role of ['admin', 'member'] as const) {
        const response = await h.call('PATCH', `/v1/members/${viewerId}`, secret, { role });
        assert.equal(response.json().error.code, 'PERMISSION_ESCALATION', role);
      }
      assert.equal((await membership(h, viewerId))?.role, 'viewer');
      assert.equal(await h.storage.repos.invitations.findPendingByEmail(h.orgId, 'boss@acme.test', h.clock.now()), null);

      const full = await sessionCall(h, owner, 'POST', '/v1/tokens', { description: 'everything' });
      assert.equal((await h.call('PATCH', `/v1/members/${viewerId}`, full.json().secret, { role: 'owner' })).statusCode, 200);
      assert.equal((await membership(h, viewerId))?.role, 'owner');
    });

    it("lets an organization key act as owner only while the user who created it is an owner; a key made by a key never does", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const secondId = await addMember(h, 'second@acme.test', 'owner');
      const viewerId = await addMember(h, 'viewer@acme.test', 'viewer');
      const second = await signIn(h, 'second@acme.test', PASSWORD);
      const key = (await sessionCall(h, second, 'POST', '/v1/keys', { name: 'Second owner key', permissions: ['*'] })).json().secret;

      assert.equal((await h.call('PATCH', `/v1/members/${h.ownerUserId}`, key, { role: 'admin' })).statusCode, 200);
      assert.equal((await h.call('PATCH', `/v1/members/${h.ownerUserId}`, key, { role: 'owner' })).statusCode, 200);
      // Its creator is demoted: the key is an admin's key now, and acts as one.
      assert.equal((await h.call('PATCH', `/v1/members/${secondId}`, h.ownerKey, { role: 'admin' })).statusCode, 200);
      const refused = await h.call('PATCH', `/v1/members/${viewerId}`, key, { role: 'owner' });
      assert.deepEqual([refused.statusCode, refused.json().error.details.required], [403, 'owner']);
      assert.equal((await membership(h, viewerId))?.role, 'viewer');
      // The creator is an owner again, and so is the key: owner-ness is the creator's current role.
      assert.equal((await h.call('PATCH', `/v1/members/${secondId}`, h.ownerKey, { role: 'owner' })).statusCode, 200);
      assert.equal((await h.call('PATCH', `/v1/members/${viewerId}`, key, { role: 'admin' })).statusCode, 200);

      const child = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Made by a key', permissions: ['*'] });
      assert.equal(child.statusCode, 201, child.body);
      const byChild = await h.call('PATCH', `/v1/members/${viewerId}`, child.json().secret, { role: 'owner' });
      assert.deepEqual([byChild.statusCode, byChild.json().error.details.required], [403, 'owner']);
      assert.equal((await membership(h, viewerId))?.role, 'admin');
    });

    it('two owners demoting each other at once: exactly one succeeds and one owner remains', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const aId = await addMember(h, 'a@acme.test', 'owner');
      const bId = await addMember(h, 'b@acme.test', 'owner');
      const a = await signIn(h, 'a@acme.test', PASSWORD);
      const b = await signIn(h, 'b@acme.test', PASSWORD);
      assert.equal((await sessionCall(h, a, 'PATCH', `/v1/members/${h.ownerUserId}`, { role: 'admin' })).statusCode, 200);
      for (let round = 0; round < 6; round++) {
        const [byA, byB] = await Promise.all([
          sessionCall(h, a, 'PATCH', `/v1/members/${bId}`, { role: 'admin' }),
          sessionCall(h, b, 'PATCH', `/v1/members/${aId}`, { role: 'admin' }),
        ]);
        const statuses = [byA.statusCode, byB.statusCode].sort();
        assert.deepEqual(statuses, [200, 403], `round ${round}: ${byA.body} ${byB.body}`);
        const loser = byA.statusCode === 403 ? byA : byB;
        assert.deepEqual([loser.json().error.code, loser.json().error.details.required], ['PERMISSION_DENIED', 'owner']);
        assert.equal(await h.storage.repos.memberships.countOwners(h.orgId), 1, `round ${round}`);
        const winner = byA.statusCode === 200 ? a : b;
        const other = byA.statusCode === 200 ? bId : aId;
        assert.equal((await membership(h, other))?.role, 'admin');
        assert.equal((await sessionCall(h, winner, 'PATCH', `/v1/members/${other}`, { role: 'owner' })).statusCode, 200);
      }
      assert.equal((await auditRows(h, 'member.role_changed')).length, 1 + 6 * 2);
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
      assert.deepEqual([verified.json().valid, verified.json().code], [false, 'NOT_FOUND']);
      assert.equal((await h.call('GET', '/v1/whoami', pat.secret)).statusCode, 401);
      assert.equal((await sessionCall(h, session, 'GET', '/v1/whoami')).statusCode, 401);
      const stored = await h.storage.repos.keys.findById(h.orgId, pat.key.id);
      assert.equal(stored?.revokedAt, h.clock.now());
      assert.equal(await h.storage.repos.sessions.findById(h.latchkey.ctx.digest(`session:${session.cookie.split('=')[1]}`)), null);

      const [removed] = await auditRows(h, 'member.removed');
      assert.deepEqual(removed!.details!, { email: 'leaver@acme.test', role: 'member', revokedTokens: 1 });
      assert.deepEqual((await auditRows(h, 'token.revoked')).map((r) => r.target?.id), [pat.key.id]);
    });

    it("answers 404 for a member of another organization", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const outsiderId = await addMemberTo(h, beta.session, 'beta@beta.test', 'member');

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
      const add = await h.call('POST', '/v1/invitations', confined.json().secret, { email: 'x@acme.test', role: 'viewer' });
      assert.equal(add.statusCode, 403);
      assert.equal(add.json().error.details.reason, 'project_restricted');
      const viewerToBe = await addMember(h, 'v2@acme.test', 'viewer');
      const promote = await h.call('PATCH', `/v1/members/${viewerToBe}`, confined.json().secret, { role: 'member' });
      assert.equal(promote.json().error.details.reason, 'project_restricted');
      assert.equal((await membership(h, viewerToBe))?.role, 'viewer');
      assert.equal((await h.call('GET', '/v1/members', confined.json().secret)).statusCode, 200);

      await addMember(h, 'viewer@acme.test', 'viewer');
      const viewer = await signIn(h, 'viewer@acme.test', 'a long enough password');
      assert.equal((await sessionCall(h, viewer, 'GET', '/v1/members')).statusCode, 200);
      const refused = await sessionCall(h, viewer, 'POST', '/v1/invitations', { email: 'y@acme.test', role: 'viewer' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.details.required, 'latchkey:members:write');
      assert.equal((await h.call('GET', '/v1/members', h.ownerKey)).json().items.length, 3);
      assert.equal((await h.storage.repos.invitations.listPending(h.orgId, h.clock.now(), 10)).length, 0);
    });

    it('refuses bad input with 400 VALIDATION_FAILED and stores nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const body of [{ role: 'root' }, { role: 'viewer', email: 'x@y.z' }, {}]) {
        const response = await h.call('PATCH', `/v1/members/${h.ownerUserId}`, h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
      }
      assert.equal((await h.call('DELETE', '/v1/members/not-a-user', h.ownerKey)).statusCode, 400);
      assert.equal((await membership(h, h.ownerUserId))?.role, 'owner');
      assert.equal((await auditRows(h, 'member.added')).length, 1);
    });
  });
}
