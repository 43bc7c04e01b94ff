import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, needsRehash, verifyPassword } from '../../src/domain/password-hash.js';
import { auditRows, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const HOUR = 3_600_000;

for (const database of TEST_DATABASES) {
  describe(`${database}: sessions`, () => {
    it('signs in with a strict HttpOnly cookie, stores only digests, and audits it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const response = await h.call('POST', '/v1/auth/sign-in', null, { email: 'Owner@Acme.test', password: OWNER_PASSWORD });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = response.json();
      assert.deepEqual(body.user, { id: h.ownerUserId, email: OWNER_EMAIL, name: 'Olive Owner' });
      assert.deepEqual(body.organization, { id: h.orgId, name: 'Acme' });
      assert.equal(body.role, 'owner');
      assert.equal(body.expiresAt, new Date(h.clock.now() + 12 * HOUR).toISOString());
      assert.match(body.csrfToken, /^[A-Za-z0-9_-]{32}$/);

      const setCookie = String(response.headers['set-cookie']);
      assert.match(setCookie, /^latchkey_session=[A-Za-z0-9_-]{43};/);
      assert.match(setCookie, /; HttpOnly/);
      assert.match(setCookie, /; SameSite=Strict/);
      assert.match(setCookie, /; Path=\//);
      assert.doesNotMatch(setCookie, /; Secure/);
      const token = response.cookies[0]!.value;

      const session = await h.storage.repos.sessions.findById(h.latchkey.ctx.digest(`session:${token}`));
      assert.equal(session?.userId, h.ownerUserId);
      assert.equal(session?.orgId, h.orgId);
      assert.equal(session?.csrfDigest, h.latchkey.ctx.digest(`csrf:${body.csrfToken}`));
      assert.equal(session?.expiresAt, h.clock.now() + 12 * HOUR);
      assert.equal(await h.storage.repos.sessions.findById(token), null);

      const [row] = await auditRows(h, 'auth.sign_in');
      assert.deepEqual([row?.actor.type, row?.actor.id, row?.target?.id], ['user', h.ownerUserId, h.ownerUserId]);
      assert.ok(!JSON.stringify(row).includes(OWNER_PASSWORD) && !JSON.stringify(row).includes(token));
    });

    it('marks the cookie Secure when forced by LATCHKEY_COOKIE_SECURE', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_COOKIE_SECURE: 'true', LATCHKEY_SESSION_TTL_HOURS: '2' } });
      t.after(() => h.close());
      const { response } = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      assert.match(String(response.headers['set-cookie']), /; Secure/);
      assert.equal(response.json().expiresAt, new Date(h.clock.now() + 2 * HOUR).toISOString());
    });

    it('marks the cookie Secure whenever a trusted proxy says the request came over TLS, and only then', async (t) => {
      const trusted = await createTestApp(database, { env: { LATCHKEY_TRUST_PROXY: '127.0.0.1' } });
      t.after(() => trusted.close());
      const body = { email: OWNER_EMAIL, password: OWNER_PASSWORD };
      const overTls = await trusted.call('POST', '/v1/auth/sign-in', null, body, { 'x-forwarded-proto': 'https' });
      assert.equal(overTls.statusCode, 200);
      assert.match(String(overTls.headers['set-cookie']), /; Secure/);
      const session = { cookie: `latchkey_session=${overTls.cookies[0]!.value}`, csrfToken: overTls.json().csrfToken, response: overTls };
      const out = await trusted.call('POST', '/v1/auth/sign-out', null, undefined, { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'x-forwarded-proto': 'https' });
      assert.equal(out.statusCode, 204);
      assert.match(String(out.headers['set-cookie']), /; Secure/, 'the clearing cookie matches the one it clears');
      const plain = await trusted.call('POST', '/v1/auth/sign-in', null, body, { 'x-forwarded-proto': 'http' });
      assert.doesNotMatch(String(plain.headers['set-cookie']), /; Secure/);

      // From an address that is not a trusted proxy, the header is the client's word and changes nothing.
      const untrusted = await createTestApp(database);
      t.after(() => untrusted.close());
      const forged = await untrusted.call('POST', '/v1/auth/sign-in', null, body, { 'x-forwarded-proto': 'https' });
      assert.equal(forged.statusCode, 200);
      assert.doesNotMatch(String(forged.headers['set-cookie']), /; Secure/);
      assert.equal((await auditRows(trusted, 'auth.sign_in')).length, 2);
    });

    it('needs X-CSRF-Token on every session mutation, and reads without it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);

      assert.equal((await sessionCall(h, session, 'GET', '/v1/projects', undefined, false)).statusCode, 200);
      const missing = await sessionCall(h, session, 'POST', '/v1/projects', { name: 'No token' }, false);
      assert.equal(missing.statusCode, 403);
      assert.equal(missing.json().error.code, 'CSRF_FAILED');
      const wrong = await h.call('POST', '/v1/projects', null, { name: 'Wrong token' }, { cookie: session.cookie, 'x-csrf-token': 'not-the-token' });
      assert.equal(wrong.json().error.code, 'CSRF_FAILED');
      const other = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const crossed = await h.call('POST', '/v1/projects', null, { name: 'Crossed' }, { cookie: session.cookie, 'x-csrf-token': other.csrfToken });
      assert.equal(crossed.json().error.code, 'CSRF_FAILED');
      assert.equal((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).length, 0);

      const ok = await sessionCall(h, session, 'POST', '/v1/projects', { name: 'With token' });
      assert.equal(ok.statusCode, 201);
      const [row] = await auditRows(h, 'project.created');
      assert.deepEqual([row?.actor.type, row?.actor.id], ['user', h.ownerUserId]);
    });

    it('signs out: the session row goes, the cookie is cleared, and the cookie no longer works', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const id = h.latchkey.ctx.digest(`session:${session.cookie.split('=')[1]}`);

      const noCsrf = await sessionCall(h, session, 'POST', '/v1/auth/sign-out', undefined, false);
      assert.equal(noCsrf.statusCode, 403);
      assert.ok(await h.storage.repos.sessions.findById(id));
      const withKey = await h.call('POST', '/v1/auth/sign-out', h.ownerKey);
      assert.equal(withKey.statusCode, 401);

      const out = await sessionCall(h, session, 'POST', '/v1/auth/sign-out');
      assert.equal(out.statusCode, 204);
      const cleared = out.cookies.find((c) => c.name === 'latchkey_session');
      assert.equal(cleared?.value, '');
      assert.ok(cleared?.expires && cleared.expires.getTime() <= Date.now());
      assert.equal(await h.storage.repos.sessions.findById(id), null);
      const after = await sessionCall(h, session, 'GET', '/v1/whoami');
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().error.code, 'AUTH_INVALID');
      const [row] = await auditRows(h, 'auth.sign_out');
      assert.equal(row?.actor.id, h.ownerUserId);
    });

    it('ends a session at its expiry', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      h.clock.advance(12 * HOUR - 1);
      assert.equal((await sessionCall(h, session, 'GET', '/v1/whoami')).statusCode, 200);
      h.clock.advance(1);
      assert.equal((await sessionCall(h, session, 'GET', '/v1/whoami')).statusCode, 401);
    });

    it('answers a wrong password and an unknown email alike, and writes neither into any organization', async (t) => {
      const lines: string[] = [];
      const sink = { write: (line: string) => void lines.push(line) };
      const h = await createTestApp(database, { logger: { level: 'warn', stream: sink } });
      t.after(() => h.close());
      const wrong = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: 'not the password at all' });
      const unknown = await h.call('POST', '/v1/auth/sign-in', null, { email: 'nobody@acme.test', password: 'not the password at all' });
      for (const response of [wrong, unknown]) {
        assert.equal(response.statusCode, 401);
        assert.equal(response.headers['set-cookie'], undefined);
      }
      assert.deepEqual({ ...wrong.json().error, requestId: null }, { ...unknown.json().error, requestId: null });
      assert.equal(wrong.json().error.code, 'INVALID_SIGN_IN');
      assert.deepEqual(wrong.json().error.details, {}, 'why it failed is never sent');

      // An anonymous caller who knows a member's email cannot write into that member's organization.
      assert.equal((await auditRows(h, 'auth.sign_in_failed')).length, 0);
      assert.equal((await h.storage.repos.audit.list({ orgId: h.orgId, limit: 200 })).filter((r) => r.actor.type === 'anonymous').length, 0);
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 0);

      // The operator sees each failure in the log, at warn, without the password.
      const failures = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'auth.sign_in_failed');
      assert.deepEqual(failures.map((l) => [l.level, l.reason, l.userId]), [[40, 'wrong_password', h.ownerUserId], [40, 'unknown_email', null]]);
      assert.ok(!lines.join('\n').includes('not the password at all'));
    });

    it('throttles failed sign-ins per address with 429 and Retry-After, even for the right password, until the window passes', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: '3/60s' } });
      t.after(() => h.close());
      for (let i = 0; i < 3; i++) {
        const response = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: `wrong password ${i}` });
        assert.equal(response.statusCode, 401);
      }
      const throttled = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: 'wrong password 4' });
      assert.equal(throttled.statusCode, 429);
      assert.equal(throttled.json().error.code, 'AUTH_THROTTLED');
      assert.ok(Number(throttled.headers['retry-after']) >= 1);

      const right = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD });
      assert.equal(right.statusCode, 429);
      assert.ok(Number(right.headers['retry-after']) >= 1 && Number(right.headers['retry-after']) <= 60);
      assert.equal(right.headers['set-cookie'], undefined);
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 0);

      h.clock.advance(60_000);
      assert.equal((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD })).statusCode, 200);
    });

    it('rehashes a password stored at the old cost (2^14) at the next successful sign-in, to the 2^17 default', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_PASSWORD_HASH_COST: '17' } });
      t.after(() => h.close());
      const old = await hashPassword(OWNER_PASSWORD, 14);
      await h.storage.repos.users.setPasswordHash(h.ownerUserId, old);

      const wrong = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: 'not the password at all' });
      assert.equal(wrong.statusCode, 401);
      assert.equal((await h.storage.repos.users.findById(h.ownerUserId))?.passwordHash, old, 'a failed sign-in changes nothing');

      await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const upgraded = (await h.storage.repos.users.findById(h.ownerUserId))!.passwordHash;
      assert.match(upgraded, /^scrypt\$131072\$8\$1\$/);
      assert.ok(await verifyPassword(OWNER_PASSWORD, upgraded));
      assert.equal(needsRehash(upgraded, 17), false);

      await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      assert.equal((await h.storage.repos.users.findById(h.ownerUserId))?.passwordHash, upgraded, 'a current hash is left alone');
    });

    it('refuses malformed sign-in bodies with 400 VALIDATION_FAILED', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const bodies: unknown[] = [
        { email: OWNER_EMAIL },
        { email: OWNER_EMAIL, password: OWNER_PASSWORD, remember: true },
        { email: OWNER_EMAIL, password: { value: OWNER_PASSWORD } },
        { email: OWNER_EMAIL, password: 'p'.repeat(257) },
        { email: OWNER_EMAIL, password: OWNER_PASSWORD, organizationId: 'acme' },
      ];
      for (const body of bodies) {
        const response = await h.call('POST', '/v1/auth/sign-in', null, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
        assert.equal(response.headers['set-cookie'], undefined);
      }
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 0);
    });
  });
}
