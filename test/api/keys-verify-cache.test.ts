import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { addProject, createKey, declarePermissions } from '../helpers/key-fixtures.js';
import { verifyOverSocket } from '../helpers/verify-over-socket.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/** Counts storage lookups by digest from here on. */
function countLookups(h: TestApp): { readonly calls: number } {
  const repo = h.storage.repos.keys;
  const original = repo.findByDigest.bind(repo);
  const counter = { calls: 0 };
  repo.findByDigest = async (digest: string) => {
    counter.calls++;
    return original(digest);
  };
  return counter;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: verification cache and storage lookups`, () => {
    it('turns away a bad-checksum token without touching storage, with the same answer as an unknown token', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k' });
      const lookups = countLookups(h);
      const typo = key.secret.slice(0, 20) + (key.secret[20] === 'Z' ? 'Y' : 'Z') + key.secret.slice(21);
      const badChecksum = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, { key: typo });
      const afterBad = lookups.calls;
      const unknown = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, { key: generateToken(DEFAULT_TOKEN_FORMAT, 'live') });
      assert.equal(badChecksum.statusCode, 200);
      assert.equal(badChecksum.body, unknown.body);
      assert.deepEqual(badChecksum.json(), { valid: false, code: 'NOT_FOUND' });
      // The owner key itself was already cached by the earlier calls, so the only lookups are the verified keys'.
      assert.equal(afterBad, 0);
      assert.equal(lookups.calls, 1);
      for (const garbage of ['lk_live_short', 'x'.repeat(500), `lk_pat_${'A'.repeat(38)}`]) {
        assert.deepEqual(await verifyOverSocket(h, { key: garbage }), { valid: false, code: 'NOT_FOUND' });
      }
      assert.equal(lookups.calls, 1);
      const missing = await h.call('GET', '/v1/keys', typo);
      assert.equal(missing.json().error.code, 'AUTH_INVALID');
      assert.equal(lookups.calls, 1);
    });

    it('serves a verified key from memory, yet the very next verification after any change reflects it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const [p1, p2] = [await addProject(h, 'one'), await addProject(h, 'two')];
      const make = (name: string, extra: Record<string, unknown> = {}) =>
        createKey(h, { name, permissions: ['tests:write', 'reports:read'], projectIds: [p1, p2], ...extra });
      const lookups = countLookups(h);
      const ask = { permissions: 'tests:write', projectId: p2, ip: '10.0.0.1' };

      const changes: Array<[string, (id: string) => Promise<unknown>, string, Record<string, unknown>?]> = [
        ['revoke', (id) => h.call('POST', `/v1/keys/${id}/revoke`, h.ownerKey), 'REVOKED'],
        ['disable', (id) => h.call('POST', `/v1/keys/${id}/disable`, h.ownerKey), 'DISABLED'],
        ['patch disable', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { enabled: false }), 'DISABLED'],
        ['narrow permissions', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { permissions: ['tests:read'] }), 'INSUFFICIENT_PERMISSIONS'],
        ['narrow projects', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { projectIds: [p1] }), 'PROJECT_FORBIDDEN'],
        ['fence addresses', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { ipRanges: ['192.168.0.0/16'] }), 'IP_FORBIDDEN'],
        ['rate limit', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { rateLimit: { limit: 1, windowMs: 60_000 } }), 'RATE_LIMITED'],
        ['meter', (id) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { credits: { remaining: 1 } }), 'USAGE_EXCEEDED'],
        ['delete', (id) => h.call('DELETE', `/v1/keys/${id}`, h.ownerKey), 'NOT_FOUND'],
        ['bulk revoke', (id) => h.call('POST', '/v1/keys/bulk', h.ownerKey, { action: 'revoke', ids: [id] }), 'REVOKED'],
        ['bulk disable', (id) => h.call('POST', '/v1/keys/bulk', h.ownerKey, { action: 'disable', ids: [id] }), 'DISABLED'],
        ['regenerate', (id) => h.call('POST', `/v1/keys/${id}/regenerate`, h.ownerKey), 'NOT_FOUND'],
      ];
      for (const [label, change, expected] of changes) {
        const key = await make(label);
        assert.equal((await verifyOverSocket(h, { key: key.secret, ...ask })).code, 'VALID', label);
        const before = lookups.calls;
        assert.equal((await verifyOverSocket(h, { key: key.secret, ...ask })).code, 'VALID', label);
        assert.equal(lookups.calls, before, `${label}: the second verification came from the cache`);
        await change(key.id);
        // Rate limits and credits need one more call to run out; everything else shows at once.
        if (expected === 'RATE_LIMITED' || expected === 'USAGE_EXCEEDED') assert.equal((await verifyOverSocket(h, { key: key.secret, ...ask })).code, 'VALID', label);
        assert.equal((await verifyOverSocket(h, { key: key.secret, ...ask })).code, expected, label);
      }
    });

    it('expiry is judged at each verification, even for a cached key', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k', expiresAt: new Date(h.clock.now() + 10_000).toISOString() });
      const lookups = countLookups(h);
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'VALID');
      h.clock.advance(10_000);
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'EXPIRED');
      assert.equal(lookups.calls, 1);
      // Expiry is terminal: it cannot be moved, so the cached key stays expired.
      const later = new Date(h.clock.now() + 10_000).toISOString();
      assert.equal((await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { expiresAt: later })).statusCode, 409);
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'EXPIRED');
    });
  });
}
