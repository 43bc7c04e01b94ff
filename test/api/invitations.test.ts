import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { loggerOptions } from '../../src/server/logger-options.js';
import { addMember, auditRows, invite, secondOrganization, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const PASSWORD = 'a long enough password';
const DAY = 86_400_000;

function acceptNew(h: TestApp, token: string, extra: Record<string, unknown> = {}) {
  return h.call('POST', '/v1/invitations/accept-new-account', null, { token, password: PASSWORD, ...extra });
}

async function pending(h: TestApp, orgId = h.orgId) {
  return h.storage.repos.invitations.listPending(orgId, h.clock.now(), 100);
}

/** The error body without the request id, which differs on every request. */
function errorOf(response: { json(): any }) {
  const { requestId: _ignored, ...rest } = response.json().error;
  return rest;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: invitations`, () => {
    it('invites a new email, shows the token once, and the invitee joins by creating their account and signs in', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const created = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'Ann@Acme.test', role: 'member' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.headers['cache-control'], 'no-store');
      const body = created.json();
      assert.match(body.token, /^lk_inv_[A-Za-z0-9]{38}$/);
      assert.match(body.id, /^inv_[A-Za-z0-9]{20}$/);
      const ownerKeyId = (await h.call('GET', '/v1/whoami', h.ownerKey)).json().key.id;
      assert.deepEqual({ ...body, id: null, token: null }, {
        id: null,
        token: null,
        email: 'ann@acme.test',
        role: 'member',
        invitedBy: { type: 'key', id: ownerKeyId },
        createdAt: new Date(h.clock.now()).toISOString(),
        expiresAt: new Date(h.clock.now() + 7 * DAY).toISOString(),
      });
      const [stored] = await pending(h);
      assert.equal(stored?.tokenDigest, h.latchkey.ctx.digest(body.token));
      assert.ok(!JSON.stringify(stored).includes(body.token));
      // Not a member until accepted, and no account exists yet.
      assert.equal(await h.storage.repos.users.findByEmail('ann@acme.test'), null);
      const listed = await h.call('GET', '/v1/invitations', h.ownerKey);
      assert.deepEqual(listed.json().items.map((i: { id: string; email: string }) => [i.id, i.email]), [[body.id, 'ann@acme.test']]);
      assert.ok(!listed.body.includes(body.token));

      h.clock.advance(1000);
      const accepted = await acceptNew(h, body.token, { name: 'Ann' });
      assert.equal(accepted.statusCode, 201, accepted.body);
      const member = accepted.json().member;
      assert.deepEqual(accepted.json(), {
        organization: { id: h.orgId, name: 'Acme' },
        member: { userId: member.userId, email: 'ann@acme.test', name: 'Ann', role: 'member', createdAt: new Date(h.clock.now()).toISOString() },
      });
      const user = await h.storage.repos.users.findById(member.userId);
      assert.ok(await verifyPassword(PASSWORD, user!.passwordHash));
      assert.ok(!user!.passwordHash.includes(PASSWORD));
      assert.equal((await h.storage.repos.memberships.find(h.orgId, member.userId))?.role, 'member');
      assert.equal((await signIn(h, 'ann@acme.test', PASSWORD, h.orgId)).response.json().role, 'member');
      assert.deepEqual(await pending(h), []);
      const spent = await h.storage.repos.invitations.findByDigest(h.latchkey.ctx.digest(body.token));
      assert.deepEqual([spent?.acceptedAt, spent?.acceptedBy], [h.clock.now(), member.userId]);

      const again = await acceptNew(h, body.token, { name: 'Ann' });
      assert.deepEqual([again.statusCode, again.json().error.code], [404, 'INVITATION_INVALID']);

      const [createdRow] = await auditRows(h, 'invitation.created');
      assert.deepEqual([createdRow?.actor.type, createdRow?.actor.id, createdRow?.target?.id], ['key', ownerKeyId, body.id]);
      assert.deepEqual(createdRow!.details!, { email: 'ann@acme.test', role: 'member', expiresAt: h.clock.now() - 1000 + 7 * DAY });
      const [acceptedRow] = await auditRows(h, 'invitation.accepted');
      assert.deepEqual([acceptedRow?.actor.type, acceptedRow?.actor.id, acceptedRow?.target?.id], ['user', member.userId, body.id]);
      assert.deepEqual(acceptedRow!.details!, { email: 'ann@acme.test', role: 'member', invitedBy: { type: 'key', id: ownerKeyId }, userCreated: true });
      const added = (await auditRows(h, 'member.added')).find((r) => r.target?.id === member.userId);
      assert.deepEqual(added!.details!, { email: 'ann@acme.test', role: 'member', invitationId: body.id, userCreated: true });
      for (const row of [createdRow, acceptedRow, added]) assert.ok(!JSON.stringify(row).includes(body.token) && !JSON.stringify(row).includes(PASSWORD));
    });

    it('answers an invitation identically whether or not the email has an account, and reveals nothing of it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      // Someone with an account in another organization only.
      const betaInvite = await sessionCall(h, beta.session, 'POST', '/v1/invitations', { email: 'known@beta.test', role: 'viewer' });
      const known = (await acceptNew(h, betaInvite.json().token, { name: 'Secret Name' })).json().member.userId;

      const forKnown = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'known@beta.test', role: 'viewer' });
      const forUnknown = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'nobody@beta.test', role: 'viewer' });
      assert.deepEqual([forKnown.statusCode, forUnknown.statusCode], [201, 201]);
      const shape = (r: typeof forKnown) => ({ ...r.json(), id: null, token: null, email: null });
      assert.deepEqual(shape(forKnown), shape(forUnknown));
      assert.deepEqual(Object.keys(forKnown.headers).sort(), Object.keys(forUnknown.headers).sort());
      for (const leak of [known, 'Secret Name', beta.orgId]) assert.ok(!forKnown.body.includes(leak), leak);
      const list = (await h.call('GET', '/v1/invitations', h.ownerKey)).body;
      for (const leak of [known, 'Secret Name']) assert.ok(!list.includes(leak), leak);
      assert.equal(await h.storage.repos.memberships.find(h.orgId, known), null);
      assert.deepEqual((await h.call('GET', '/v1/members', h.ownerKey)).json().items.map((m: { email: string }) => m.email), [OWNER_EMAIL]);
    });

    it('lets an existing account accept only while signed in as the invited email, leaving its name and password alone', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const bob = await addMember(h, 'bob@acme.test', 'viewer');
      const token = (await sessionCall(h, beta.session, 'POST', '/v1/invitations', { email: 'bob@acme.test', role: 'member' })).json().token;

      // Creating the account again is refused, and so is accepting as someone else.
      const asNew = await acceptNew(h, token, { name: 'Impostor' });
      assert.deepEqual([asNew.statusCode, asNew.json().error.code], [409, 'EMAIL_TAKEN']);
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const wrongUser = await sessionCall(h, owner, 'POST', '/v1/invitations/accept', { token });
      assert.deepEqual([wrongUser.statusCode, wrongUser.json().error.code], [403, 'INVITATION_EMAIL_MISMATCH']);
      const byKey = await h.call('POST', '/v1/invitations/accept', h.ownerKey, { token });
      assert.deepEqual([byKey.statusCode, byKey.json().error.code], [401, 'AUTH_MISSING']);
      const noCsrf = await sessionCall(h, await signIn(h, 'bob@acme.test', PASSWORD), 'POST', '/v1/invitations/accept', { token }, false);
      assert.equal(noCsrf.json().error.code, 'CSRF_FAILED');
      assert.equal(await h.storage.repos.memberships.find(beta.orgId, bob), null);
      assert.equal((await pending(h, beta.orgId)).length, 1);

      const before = await h.storage.repos.users.findById(bob);
      const session = await signIn(h, 'bob@acme.test', PASSWORD);
      const accepted = await sessionCall(h, session, 'POST', '/v1/invitations/accept', { token });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.deepEqual([accepted.json().organization, accepted.json().member.role, accepted.json().member.userId], [{ id: beta.orgId, name: 'Beta' }, 'member', bob]);
      assert.equal((await h.storage.repos.memberships.find(beta.orgId, bob))?.role, 'member');
      assert.equal((await h.storage.repos.memberships.find(h.orgId, bob))?.role, 'viewer');
      assert.deepEqual(await h.storage.repos.users.findById(bob), before);
      assert.equal((await signIn(h, 'bob@acme.test', PASSWORD, beta.orgId)).response.json().role, 'member');
      const [row] = await auditRows(h, 'invitation.accepted', beta.orgId);
      assert.equal(row!.details!.userCreated, false);
      assert.equal((await sessionCall(h, session, 'POST', '/v1/invitations/accept', { token })).json().error.code, 'INVITATION_INVALID');
    });

    it('answers every unusable token with the same 404, on both ways of accepting', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const expired = await invite(h, 'old@acme.test', 'viewer');
      h.clock.advance(7 * DAY);
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const revoked = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'gone@acme.test', role: 'viewer' });
      assert.equal((await h.call('DELETE', `/v1/invitations/${revoked.json().id}`, h.ownerKey)).statusCode, 204);
      const used = await invite(h, 'used@acme.test', 'viewer');
      assert.equal((await acceptNew(h, used)).statusCode, 201);
      const valid = await invite(h, 'valid@acme.test', 'viewer');
      const tokens = [
        'nonsense',
        generateToken(DEFAULT_TOKEN_FORMAT, 'inv'),
        generateToken(DEFAULT_TOKEN_FORMAT, 'pat'),
        h.ownerKey,
        `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
        generateToken({ prefix: 'other', typeSegment: true }, 'inv'),
        expired,
        revoked.json().token,
        used,
      ];
      const answers = new Set<string>();
      for (const token of tokens) {
        const asNew = await acceptNew(h, token);
        const asSession = await sessionCall(h, owner, 'POST', '/v1/invitations/accept', { token });
        for (const response of [asNew, asSession]) {
          assert.equal(response.statusCode, 404, token);
          answers.add(JSON.stringify(errorOf(response)));
        }
      }
      assert.deepEqual([...answers].map((a) => JSON.parse(a)), [
        { code: 'INVITATION_INVALID', message: 'The invitation does not exist, has expired, was revoked or was already used.', details: {} },
      ]);
      // Nothing was created by any of them, and the valid one still works.
      assert.equal(await h.storage.repos.users.findByEmail('old@acme.test'), null);
      assert.equal(await h.storage.repos.users.findByEmail('gone@acme.test'), null);
      assert.equal((await acceptNew(h, valid)).statusCode, 201);
    });

    it('refuses an invitation token in a query string, and keeps it out of the logs', async (t) => {
      const lines: string[] = [];
      const h = await createTestApp(database, { logger: { ...(loggerOptions('trace', undefined) as object), stream: { write: (line: string) => lines.push(line) } } });
      t.after(() => h.close());
      const token = await invite(h, 'q@acme.test', 'viewer');
      for (const url of [`/v1/invitations?token=${token}`, `/v1/invitations?x=${token}`, `/v1/invitations?${token}=1`]) {
        const response = await h.call('GET', url, h.ownerKey);
        assert.deepEqual([response.statusCode, response.json().error.code], [400, 'CREDENTIAL_IN_QUERY'], url);
      }
      const inPath = await h.call('GET', `/v1/${token}`, h.ownerKey);
      assert.deepEqual([inPath.statusCode, inPath.json().error.code], [400, 'CREDENTIAL_IN_QUERY']);
      assert.ok(lines.length > 0);
      assert.ok(!lines.join('\n').includes(token.slice(7)), 'the invitation token reached the log');
      assert.equal((await acceptNew(h, token)).statusCode, 201);
    });

    it('throttles acceptance attempts per address: past the budget, even a valid token waits for the window', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: '3/60s' } });
      t.after(() => h.close());
      const valid = await invite(h, 'late@acme.test', 'viewer');
      for (let i = 0; i < 3; i++) assert.equal((await acceptNew(h, generateToken(DEFAULT_TOKEN_FORMAT, 'inv'))).statusCode, 404);
      const throttled = await acceptNew(h, valid);
      assert.deepEqual([throttled.statusCode, throttled.json().error.code], [429, 'AUTH_THROTTLED']);
      assert.ok(Number(throttled.headers['retry-after']) >= 1);
      assert.equal(await h.storage.repos.users.findByEmail('late@acme.test'), null);
      // Sign-in keeps its own budget.
      assert.equal((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD })).statusCode, 200);
      h.clock.advance(60_000);
      assert.equal((await acceptNew(h, valid)).statusCode, 201);
    });

    it('accepts a token exactly once when acceptances race', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const token = await invite(h, 'racer@acme.test', 'member');
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => acceptNew(h, token, { name: `Racer ${i}` })));
      const statuses = answers.map((a) => a.statusCode).sort();
      assert.deepEqual(statuses, [201, 404, 404, 404, 404, 404], answers.map((a) => a.body).join('\n'));
      for (const loser of answers.filter((a) => a.statusCode !== 201)) assert.equal(loser.json().error.code, 'INVITATION_INVALID');
      const winner = answers.find((a) => a.statusCode === 201)!.json().member;
      const user = await h.storage.repos.users.findByEmail('racer@acme.test');
      assert.deepEqual([user?.id, user?.name], [winner.userId, winner.name]);
      assert.equal((await h.call('GET', '/v1/members', h.ownerKey)).json().items.length, 2);
      assert.equal((await auditRows(h, 'invitation.accepted')).length, 1);

      // Two sessions of the invited account accepting one invitation at once: one joins.
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const second = (await sessionCall(h, beta.session, 'POST', '/v1/invitations', { email: 'racer@acme.test', role: 'viewer' })).json().token;
      const [s1, s2] = [await signIn(h, 'racer@acme.test', PASSWORD), await signIn(h, 'racer@acme.test', PASSWORD)];
      const both = await Promise.all([s1, s2].map((s) => sessionCall(h, s, 'POST', '/v1/invitations/accept', { token: second })));
      assert.deepEqual(both.map((a) => a.statusCode).sort(), [200, 404], both.map((a) => a.body).join('\n'));
      assert.equal((await h.storage.repos.memberships.find(beta.orgId, winner.userId))?.role, 'viewer');
      assert.equal((await auditRows(h, 'invitation.accepted', beta.orgId)).length, 1);
    });

    it('bounds the invited role by the inviter, when inviting and again, as the inviter stands then, when accepting', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const adminId = await addMember(h, 'admin@acme.test', 'admin');
      const admin = await signIn(h, 'admin@acme.test', PASSWORD);
      const ownerInvite = await sessionCall(h, admin, 'POST', '/v1/invitations', { email: 'boss@acme.test', role: 'owner' });
      assert.deepEqual([ownerInvite.statusCode, ownerInvite.json().error.details.required], [403, 'owner']);
      const narrow = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Members', permissions: ['latchkey:members:write'] })).json().secret;
      const adminByNarrow = await h.call('POST', '/v1/invitations', narrow, { email: 'sneaky@acme.test', role: 'admin' });
      assert.deepEqual([adminByNarrow.statusCode, adminByNarrow.json().error.code], [403, 'PERMISSION_ESCALATION']);
      assert.equal((await pending(h)).length, 0);

      // The admin invites an admin, and is then demoted to viewer before the invitation is accepted.
      const adminInvite = await sessionCall(h, admin, 'POST', '/v1/invitations', { email: 'deputy@acme.test', role: 'admin' });
      assert.equal(adminInvite.statusCode, 201, adminInvite.body);
      assert.equal((await h.call('PATCH', `/v1/members/${adminId}`, h.ownerKey, { role: 'viewer' })).statusCode, 200);
      const refused = await acceptNew(h, adminInvite.json().token);
      assert.deepEqual([refused.statusCode, refused.json().error.code], [403, 'INVITER_LACKS_RIGHTS']);
      assert.equal(await h.storage.repos.users.findByEmail('deputy@acme.test'), null);
      assert.equal((await pending(h)).length, 1);
      // An invitation sent by a key dies with the key.
      const keyed = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Inviter', permissions: ['*'] });
      const byKey = await invite(h, 'keyed@acme.test', 'viewer', keyed.json().secret);
      assert.equal((await h.call('POST', `/v1/keys/${keyed.json().id}/revoke`, h.ownerKey, {})).statusCode, 200);
      assert.equal((await acceptNew(h, byKey)).json().error.code, 'INVITER_LACKS_RIGHTS');
      assert.equal(await h.storage.repos.users.findByEmail('keyed@acme.test'), null);
      assert.equal((await auditRows(h, 'invitation.accepted')).length, 1);

      // Restored to admin, the inviter's invitation works again.
      assert.equal((await h.call('PATCH', `/v1/members/${adminId}`, h.ownerKey, { role: 'admin' })).statusCode, 200);
      assert.equal((await acceptNew(h, adminInvite.json().token)).statusCode, 201);
    });

    it('refuses to invite a member or an email already invited, lists only pending ones, and revokes', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_INVITATION_TTL_HOURS: '1' } });
      t.after(() => h.close());
      const member = await h.call('POST', '/v1/invitations', h.ownerKey, { email: OWNER_EMAIL.toUpperCase(), role: 'viewer' });
      assert.deepEqual([member.statusCode, member.json().error.code], [409, 'ALREADY_MEMBER']);
      const first = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'x@acme.test', role: 'viewer' });
      assert.equal(first.json().expiresAt, new Date(h.clock.now() + 3_600_000).toISOString());
      const twice = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'X@acme.test', role: 'member' });
      assert.deepEqual([twice.statusCode, twice.json().error.code, twice.json().error.details.invitationId], [409, 'ALREADY_INVITED', first.json().id]);
      for (const email of ['b@acme.test', 'c@acme.test']) await invite(h, email, 'viewer');
      const page1 = (await h.call('GET', '/v1/invitations?limit=2', h.ownerKey)).json();
      const page2 = (await h.call('GET', `/v1/invitations?limit=2&cursor=${page1.nextCursor}`, h.ownerKey)).json();
      assert.deepEqual([...page1.items, ...page2.items].map((i: { email: string }) => i.email), ['b@acme.test', 'c@acme.test', 'x@acme.test']);
      assert.equal(page2.nextCursor, null);

      // Revoking: another organization's id and a spent one are 404; an admin cannot revoke an owner invitation.
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      assert.equal((await sessionCall(h, beta.session, 'DELETE', `/v1/invitations/${first.json().id}`)).statusCode, 404);
      const ownerInvite = await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'boss@acme.test', role: 'owner' });
      await addMember(h, 'admin@acme.test', 'admin');
      const admin = await signIn(h, 'admin@acme.test', PASSWORD);
      const denied = await sessionCall(h, admin, 'DELETE', `/v1/invitations/${ownerInvite.json().id}`);
      assert.deepEqual([denied.statusCode, denied.json().error.details.required], [403, 'owner']);
      const viewer = await sessionCall(h, admin, 'GET', '/v1/invitations');
      assert.equal(viewer.statusCode, 200);
      assert.equal((await sessionCall(h, admin, 'DELETE', `/v1/invitations/${first.json().id}`)).statusCode, 204);
      assert.equal((await h.call('DELETE', `/v1/invitations/${first.json().id}`, h.ownerKey)).statusCode, 404);
      assert.equal((await acceptNew(h, first.json().token)).json().error.code, 'INVITATION_INVALID');
      assert.deepEqual((await pending(h)).map((i) => i.email), ['b@acme.test', 'boss@acme.test', 'c@acme.test']);
      const [revokedRow] = await auditRows(h, 'invitation.revoked');
      assert.deepEqual([revokedRow?.target?.id, revokedRow!.details!], [first.json().id, { email: 'x@acme.test', role: 'viewer' }]);
      // A revoked invitation no longer blocks a new one; an hour later the pending ones have expired.
      assert.equal((await h.call('POST', '/v1/invitations', h.ownerKey, { email: 'x@acme.test', role: 'viewer' })).statusCode, 201);
      h.clock.advance(3_600_000);
      assert.deepEqual((await h.call('GET', '/v1/invitations', h.ownerKey)).json().items, []);
    });

    it('keeps viewers, project-restricted keys and bad input out, storing nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await addMember(h, 'viewer@acme.test', 'viewer');
      const viewer = await signIn(h, 'viewer@acme.test', PASSWORD);
      for (const [method, url] of [['GET', '/v1/invitations'], ['POST', '/v1/invitations']] as const) {
        const response = await sessionCall(h, viewer, method, url, method === 'POST' ? { email: 'y@acme.test', role: 'viewer' } : undefined);
        assert.deepEqual([response.statusCode, response.json().error.details.required], [403, 'latchkey:members:write'], url);
      }
      const project = (await h.call('POST', '/v1/projects', h.ownerKey, { name: 'P' })).json().id;
      const confined = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Confined', permissions: ['*'], projectIds: [project] })).json().secret;
      const restricted = await h.call('POST', '/v1/invitations', confined, { email: 'y@acme.test', role: 'viewer' });
      assert.equal(restricted.json().error.details.reason, 'project_restricted');

      const bodies: unknown[] = [
        { email: 'a@acme.test', role: 'superuser' },
        { email: 'not an email', role: 'member' },
        { email: 'a@acme.test', role: 'member', password: PASSWORD },
        { email: `${'a'.repeat(250)}@acme.test`, role: 'member' },
        { email: 'a@acme.test' },
        { role: 'member' },
      ];
      for (const body of bodies) {
        const response = await h.call('POST', '/v1/invitations', h.ownerKey, body);
        assert.deepEqual([response.statusCode, response.json().error.code], [400, 'VALIDATION_FAILED'], JSON.stringify(body));
      }
      const token = await invite(h, 'z@acme.test', 'viewer');
      for (const body of [{ token, password: 'short' }, { token }, { token, password: PASSWORD, name: 'n'.repeat(101) }, { token, password: PASSWORD, role: 'owner' }, { token: '', password: PASSWORD }]) {
        const response = await h.call('POST', '/v1/invitations/accept-new-account', null, body);
        assert.deepEqual([response.statusCode, response.json().error.code], [400, 'VALIDATION_FAILED'], JSON.stringify(body));
      }
      assert.equal((await h.call('DELETE', '/v1/invitations/not-an-id', h.ownerKey)).statusCode, 400);
      assert.deepEqual((await pending(h)).map((i) => i.email), ['z@acme.test']);
      assert.equal(await h.storage.repos.users.findByEmail('z@acme.test'), null);
      assert.equal((await auditRows(h, 'invitation.created')).length, 2);
    });
  });
}
