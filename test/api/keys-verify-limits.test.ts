import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addProject, createKey, declarePermissions, storedKey } from '../helpers/key-fixtures.js';
import { verifyOverSocket } from '../helpers/verify-over-socket.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const MINUTE = 60_000;

for (const database of TEST_DATABASES) {
  describe(`${database}: verification rate limits and credits`, () => {
    it('rate limits per key in fixed windows: RATE_LIMITED with the window, then allowed again when it ends', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'limited', rateLimit: { limit: 2, windowMs: MINUTE } });
      const other = await createKey(h, { name: 'other', rateLimit: { limit: 2, windowMs: MINUTE } });
      const resetAt = new Date(h.clock.now() - (h.clock.now() % MINUTE) + MINUTE).toISOString();
      const first = await verifyOverSocket(h, { key: key.secret });
      assert.deepEqual([first.code, first.rateLimit], ['VALID', { limit: 2, remaining: 1, resetAt }]);
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).rateLimit, { limit: 2, remaining: 0, resetAt });
      const limited = await verifyOverSocket(h, { key: key.secret });
      assert.deepEqual([limited.valid, limited.code, limited.keyId, limited.rateLimit], [false, 'RATE_LIMITED', key.id, { limit: 2, remaining: 0, resetAt }]);
      assert.equal((await verifyOverSocket(h, { key: other.secret })).code, 'VALID');
      h.clock.advance(Date.parse(resetAt) - h.clock.now());
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).rateLimit?.remaining, 1);

      // Raising the limit takes effect on the next call.
      await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { rateLimit: { limit: 10, windowMs: MINUTE } });
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).rateLimit, { limit: 10, remaining: 8, resetAt: new Date(Date.parse(resetAt) + MINUTE).toISOString() });
    });

    it('applies LATCHKEY_DEFAULT_KEY_RATE_LIMIT to keys without their own limit', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_DEFAULT_KEY_RATE_LIMIT: '1/1m' } });
      t.after(() => h.close());
      const key = await createKey(h, { name: 'defaulted' });
      const own = await createKey(h, { name: 'own', rateLimit: { limit: 3, windowMs: MINUTE } });
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'VALID');
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'RATE_LIMITED');
      for (let i = 0; i < 3; i++) assert.equal((await verifyOverSocket(h, { key: own.secret })).code, 'VALID');
    });

    it('spends one credit per VALID answer; at zero USAGE_EXCEEDED, and the stored count never goes below zero', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'metered', credits: { remaining: 2 } });
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 1 });
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 0 });
      const exceeded = await verifyOverSocket(h, { key: key.secret });
      assert.deepEqual([exceeded.valid, exceeded.code, exceeded.credits], [false, 'USAGE_EXCEEDED', { remaining: 0 }]);
      assert.equal((await storedKey(h, key.id))?.credits?.remaining, 0);
      const unmetered = await createKey(h, { name: 'free' });
      assert.equal((await verifyOverSocket(h, { key: unmetered.secret })).credits, null);
    });

    it('a rate-limited, forbidden or refused call spends no credit', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const [p1, p2] = [await addProject(h, 'one'), await addProject(h, 'two')];
      const key = await createKey(h, {
        name: 'guarded', permissions: ['tests:read'], projectIds: [p1], ipRanges: ['10.0.0.0/8'],
        rateLimit: { limit: 1, windowMs: MINUTE }, credits: { remaining: 10 },
      });
      const ok = { key: key.secret, ip: '10.0.0.1' };
      assert.deepEqual((await verifyOverSocket(h, ok)).credits, { remaining: 9 });
      const refusals: Array<[Record<string, unknown>, string]> = [
        [ok, 'RATE_LIMITED'],
        [{ ...ok, ip: '192.0.2.1' }, 'IP_FORBIDDEN'],
        [{ key: key.secret }, 'IP_FORBIDDEN'],
        [{ ...ok, projectId: p2 }, 'PROJECT_FORBIDDEN'],
        [{ ...ok, permissions: 'tests:write' }, 'INSUFFICIENT_PERMISSIONS'],
      ];
      for (const [body, code] of refusals) {
        const answer = await verifyOverSocket(h, body);
        assert.equal(answer.code, code);
        assert.deepEqual(answer.credits, { remaining: 9 }, code);
      }
      assert.equal((await storedKey(h, key.id))?.credits?.remaining, 9);
      h.clock.advance(MINUTE);
      assert.deepEqual((await verifyOverSocket(h, { ...ok, projectId: p1, permissions: 'tests:read' })).credits, { remaining: 8 });
      await h.call('POST', `/v1/keys/${key.id}/disable`, h.ownerKey);
      h.clock.advance(MINUTE);
      assert.equal((await verifyOverSocket(h, ok)).code, 'DISABLED');
      assert.equal((await storedKey(h, key.id))?.credits?.remaining, 8);
    });

    it('50 concurrent verifications of a key with 20 credits: exactly 20 VALID, and 0 credits stored', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'contended', credits: { remaining: 20 } });
      const answers = await Promise.all(Array.from({ length: 50 }, () => verifyOverSocket(h, { key: key.secret })));
      const valid = answers.filter((a) => a.code === 'VALID');
      assert.equal(valid.length, 20);
      assert.equal(answers.filter((a) => a.code === 'USAGE_EXCEEDED').length, 30);
      // Each credit was spent once: the counts reported are 19 down to 0, each exactly once.
      assert.deepEqual(valid.map((a) => a.credits.remaining).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      assert.equal((await storedKey(h, key.id))?.credits?.remaining, 0);
    });

    it('refills credits to refillAmount once the interval has passed', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'refilled', credits: { remaining: 1, refillAmount: 3, refillIntervalMs: MINUTE } });
      const created = h.clock.now();
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 0 });
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'USAGE_EXCEEDED');
      h.clock.advance(MINUTE - 1);
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'USAGE_EXCEEDED');
      h.clock.advance(1);
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 2 });
      assert.deepEqual((await storedKey(h, key.id))?.credits, { remaining: 2, refillAmount: 3, refillIntervalMs: MINUTE, refilledAt: created + MINUTE });
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 1 });
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 0 });
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'USAGE_EXCEEDED');
      // A refill replaces the count rather than adding to it, however long the key sat unused.
      h.clock.advance(10 * MINUTE);
      assert.deepEqual((await verifyOverSocket(h, { key: key.secret })).credits, { remaining: 2 });

      const partial = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'half', permissions: ['latchkey:keys:read'], credits: { remaining: 1, refillAmount: 3 } });
      assert.equal(partial.statusCode, 400);
    });
  });
}
