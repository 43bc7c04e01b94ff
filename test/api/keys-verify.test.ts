import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { addOrganization, addProject, createKey, declarePermissions, errorCode } from '../helpers/key-fixtures.js';
import { verifyOverSocket } from '../helpers/verify-over-socket.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const NOT_FOUND = { valid: false, code: 'NOT_FOUND' };

for (const database of TEST_DATABASES) {
  describe(`${database}: verifying keys`, () => {
    it('answers VALID with the key fields, and NOT_FOUND with nothing else for unknown, malformed and foreign keys', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const p1 = await addProject(h, 'one');
      const key = await createKey(h, {
        name: 'billing service', permissions: ['tests:write'], projectIds: [p1], environment: 'test',
        metadata: { team: 'qa' }, expiresIn: '30d', rateLimit: { limit: 100, windowMs: 60_000 }, credits: { remaining: 10 },
      });
      const answer = await verifyOverSocket(h, { key: key.secret, permissions: 'tests:write', projectId: p1 });
      assert.deepEqual(answer, {
        valid: true, code: 'VALID', keyId: key.id, orgId: h.orgId, ownerUserId: null, environment: 'test', name: 'billing service',
        permissions: ['tests:write'], projectIds: [p1], metadata: { team: 'qa' }, expiresAt: key.expiresAt,
        rateLimit: { limit: 100, remaining: 99, resetAt: new Date(h.clock.now() - (h.clock.now() % 60_000) + 60_000).toISOString() },
        credits: { remaining: 9 },
      });

      const other = await addOrganization(h, 'Globex');
      const theirs = await createKey(h, { name: 'theirs' }, other.ownerKey);
      const last = key.secret.at(-1) === 'a' ? 'b' : 'a';
      for (const candidate of [
        generateToken(DEFAULT_TOKEN_FORMAT, 'live'),
        generateToken(DEFAULT_TOKEN_FORMAT, 'pat'),
        key.secret.slice(0, -1) + last,
        key.secret.replace('lk_test_', 'lk_live_'),
        key.secret.replace('lk_', 'xx_'),
        key.secret.toUpperCase(),
        `${key.secret}x`,
        'hello',
        theirs.secret,
      ]) {
        assert.deepEqual(await verifyOverSocket(h, { key: candidate, permissions: 'tests:write' }), NOT_FOUND, candidate);
      }
      // The other organization can verify its own key, and not ours.
      assert.equal((await verifyOverSocket(h, { key: theirs.secret }, other.ownerKey)).code, 'VALID');
      assert.deepEqual(await verifyOverSocket(h, { key: key.secret }, other.ownerKey), NOT_FOUND);
    });

    it('reports REVOKED, EXPIRED and DISABLED, with state checked before anything else', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const revoked = await createKey(h, { name: 'revoked', ipRanges: ['10.0.0.0/8'] });
      const disabled = await createKey(h, { name: 'disabled', enabled: false, ipRanges: ['10.0.0.0/8'] });
      const expiring = await createKey(h, { name: 'expiring', expiresIn: '30d', enabled: false });
      await h.call('POST', `/v1/keys/${revoked.id}/revoke`, h.ownerKey);
      const asked = { permissions: 'tests:admin', ip: '192.0.2.1', projectId: 'prj_00000000000000000000' };
      const r = await verifyOverSocket(h, { key: revoked.secret, ...asked });
      assert.deepEqual([r.valid, r.code, r.keyId, r.name], [false, 'REVOKED', revoked.id, 'revoked']);
      assert.equal((await verifyOverSocket(h, { key: disabled.secret, ...asked })).code, 'DISABLED');
      assert.equal((await verifyOverSocket(h, { key: expiring.secret, ...asked })).code, 'DISABLED');
      h.clock.advance(31 * 86_400_000);
      assert.equal((await verifyOverSocket(h, { key: expiring.secret, ...asked })).code, 'EXPIRED');
      assert.equal((await verifyOverSocket(h, { key: revoked.secret, ...asked })).code, 'REVOKED');
    });

    it('evaluates permission queries: AND, OR, parentheses, wildcards and the read/write/admin hierarchy', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const key = await createKey(h, { name: 'k', permissions: ['tests:write', 'reports:*', 'billing:admin'] });
      const star = await createKey(h, { name: 'star', permissions: ['*'] });
      const cases: Array<[string, boolean]> = [
        ['tests:write', true],
        ['tests:read', true],
        ['tests:admin', false],
        ['billing:read', true],
        ['billing:write AND billing:admin', true],
        ['reports:read', true],
        ['reports:daily:write', true],
        ['reports:*', true],
        ['tests:*', false],
        ['*', false],
        ['deploy', false],
        ['tests:admin OR billing:read', true],
        ['tests:admin AND billing:read', false],
        ['tests:write AND (deploy OR reports:daily:write)', true],
        ['(tests:admin OR deploy) AND billing:write', false],
        ['deploy OR tests:read AND billing:read', true],
        ['deploy AND tests:read OR billing:read', true],
        ['(deploy OR tests:admin) AND billing:read', false],
        ['deploy OR (tests:admin AND billing:read)', false],
        ['tests:write and billing:read or deploy', true],
        ['((tests:read))', true],
        ['latchkey:keys:read', false],
      ];
      for (const [permissions, valid] of cases) {
        const answer = await verifyOverSocket(h, { key: key.secret, permissions });
        assert.equal(answer.code, valid ? 'VALID' : 'INSUFFICIENT_PERMISSIONS', permissions);
        assert.equal(answer.valid, valid);
        assert.equal(answer.keyId, key.id);
        assert.equal((await verifyOverSocket(h, { key: star.secret, permissions })).code, 'VALID', `* ${permissions}`);
      }
    });

    it('refuses a malformed permission query with 400', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k' });
      const deep = `${'('.repeat(20)}tests:read${')'.repeat(20)}`;
      for (const permissions of ['', 'tests:read AND', '(tests:read', 'tests:read)', 'AND tests:read', 'Tests:Read', 'a OR OR b', '()', 'a b', 'tests:read; drop', deep, 'x'.repeat(1001)]) {
        const response = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, { key: key.secret, permissions });
        assert.equal(response.statusCode, 400, permissions);
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      for (const body of [{}, { key: '' }, { key: key.secret, extra: 1 }, { key: key.secret, ip: 7 }]) {
        const response = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
      }
    });

    it('checks projects: PROJECT_FORBIDDEN outside a restricted key, and foreign keys stay hidden from project-restricted callers', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [p1, p2] = [await addProject(h, 'one'), await addProject(h, 'two')];
      const confined = await createKey(h, { name: 'confined', projectIds: [p1] });
      const everywhere = await createKey(h, { name: 'everywhere' });
      assert.equal((await verifyOverSocket(h, { key: confined.secret, projectId: p1 })).code, 'VALID');
      assert.equal((await verifyOverSocket(h, { key: confined.secret })).code, 'VALID');
      const forbidden = await verifyOverSocket(h, { key: confined.secret, projectId: p2 });
      assert.deepEqual([forbidden.valid, forbidden.code, forbidden.keyId], [false, 'PROJECT_FORBIDDEN', confined.id]);
      assert.equal((await verifyOverSocket(h, { key: everywhere.secret, projectId: p2 })).code, 'VALID');

      const verifier = await createKey(h, { name: 'p2 verifier', permissions: ['latchkey:keys:verify'], projectIds: [p2] });
      assert.deepEqual(await verifyOverSocket(h, { key: confined.secret }, verifier.secret), NOT_FOUND);
      assert.deepEqual(await verifyOverSocket(h, { key: everywhere.secret }, verifier.secret), NOT_FOUND);
      const inP2 = await createKey(h, { name: 'in p2', projectIds: [p2] });
      assert.equal((await verifyOverSocket(h, { key: inP2.secret, projectId: p2 }, verifier.secret)).code, 'VALID');
    });

    it('checks the client address: IPv4, IPv6, IPv4-mapped, and a missing or malformed ip is IP_FORBIDDEN', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'fenced', ipRanges: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'] });
      const cases: Array<[string | undefined, string]> = [
        ['10.1.2.3', 'VALID'],
        ['10.255.255.255', 'VALID'],
        ['11.0.0.1', 'IP_FORBIDDEN'],
        ['203.0.113.7', 'VALID'],
        ['203.0.113.8', 'IP_FORBIDDEN'],
        ['2001:db8::1', 'VALID'],
        ['2001:DB8:ffff::abcd', 'VALID'],
        ['2001:db9::1', 'IP_FORBIDDEN'],
        ['::ffff:10.0.0.1', 'VALID'],
        ['::ffff:11.0.0.1', 'IP_FORBIDDEN'],
        ['::1', 'IP_FORBIDDEN'],
        ['not an ip', 'IP_FORBIDDEN'],
        [undefined, 'IP_FORBIDDEN'],
      ];
      for (const [ip, code] of cases) {
        const answer = await verifyOverSocket(h, { key: key.secret, ...(ip === undefined ? {} : { ip }) });
        assert.equal(answer.code, code, String(ip));
        if (code !== 'VALID') assert.equal(answer.keyId, key.id);
      }
      const open = await createKey(h, { name: 'open' });
      assert.equal((await verifyOverSocket(h, { key: open.secret })).code, 'VALID');
      assert.equal((await verifyOverSocket(h, { key: open.secret, ip: '2001:db9::1' })).code, 'VALID');
    });

    it('needs latchkey:keys:verify: any other caller gets 403 insufficient_scope before its body is looked at', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const target = await createKey(h, { name: 'target' });
      const reader = await createKey(h, { name: 'reader', permissions: ['latchkey:keys:read', 'latchkey:keys:write'] });
      for (const body of [{ key: target.secret }, { key: target.secret, permissions: '((' }]) {
        const response = await h.callOverSocket('POST', '/v1/keys/verify', reader.secret, body);
        assert.equal(response.statusCode, 403);
        assert.equal(errorCode(response), 'PERMISSION_DENIED');
        assert.deepEqual(response.json().error.details, { required: 'latchkey:keys:verify' });
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="latchkey", error="insufficient_scope", scope="latchkey:keys:verify"');
      }
      const verifier = await createKey(h, { name: 'verifier', permissions: ['latchkey:keys:verify'] });
      assert.equal((await verifyOverSocket(h, { key: target.secret }, verifier.secret)).code, 'VALID');
      assert.equal((await h.callOverSocket('POST', '/v1/keys/verify', null, { key: target.secret })).statusCode, 401);
    });
  });
}
