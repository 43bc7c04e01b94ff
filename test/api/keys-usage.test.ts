import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOrganization, createKey, errorCode } from '../helpers/key-fixtures.js';
import { verifyOverSocket } from '../helpers/verify-over-socket.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

for (const database of TEST_DATABASES) {
  describe(`${database}: key usage`, () => {
    it('counts calls per hour and outcome, sums UTC days from hours, and includes calls made a moment ago', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      // The test clock starts at 2026-01-01T12:00:00Z.
      const key = await createKey(h, { name: 'counted', rateLimit: { limit: 2, windowMs: MINUTE } });
      await verifyOverSocket(h, { key: key.secret });
      await verifyOverSocket(h, { key: key.secret });
      assert.equal((await verifyOverSocket(h, { key: key.secret })).code, 'RATE_LIMITED');
      h.clock.advance(HOUR + 5 * MINUTE);
      await verifyOverSocket(h, { key: key.secret });
      assert.equal((await h.call('GET', '/v1/keys?limit=1', key.secret)).statusCode, 200);
      h.clock.advance(12 * HOUR);
      await h.call('POST', `/v1/keys/${key.id}/disable`, h.ownerKey);
      await verifyOverSocket(h, { key: key.secret });
      await verifyOverSocket(h, { key: key.secret });
      const other = await createKey(h, { name: 'other' });
      await verifyOverSocket(h, { key: other.secret });

      const hours = await h.call('GET', `/v1/keys/${key.id}/usage?granularity=hour&since=2026-01-01T00:00:00Z`, h.ownerKey);
      assert.equal(hours.statusCode, 200, hours.body);
      assert.deepEqual(hours.json(), {
        granularity: 'hour',
        buckets: [
          { start: '2026-01-01T12:00:00.000Z', counts: { VALID: 2, RATE_LIMITED: 1 } },
          { start: '2026-01-01T13:00:00.000Z', counts: { VALID: 1, API: 1 } },
          { start: '2026-01-02T01:00:00.000Z', counts: { DISABLED: 2 } },
        ],
      });
      const days = (await h.call('GET', `/v1/keys/${key.id}/usage?granularity=day&since=2025-12-01T00:00:00Z`, h.ownerKey)).json();
      assert.deepEqual(days, {
        granularity: 'day',
        buckets: [
          { start: '2026-01-01T00:00:00.000Z', counts: { VALID: 3, RATE_LIMITED: 1, API: 1 } },
          { start: '2026-01-02T00:00:00.000Z', counts: { DISABLED: 2 } },
        ],
      });
      // `since` inside an hour includes that whole hour; later buckets only.
      const since = (await h.call('GET', `/v1/keys/${key.id}/usage?since=2026-01-01T13:30:00Z`, h.ownerKey)).json();
      assert.deepEqual(since.buckets.map((b: { start: string }) => b.start), ['2026-01-01T13:00:00.000Z', '2026-01-02T01:00:00.000Z']);
      // Defaults: hours of the last day, days of the last 30.
      const recent = (await h.call('GET', `/v1/keys/${key.id}/usage`, h.ownerKey)).json();
      assert.equal(recent.granularity, 'hour');
      assert.equal(recent.buckets.length, 3);
      assert.equal((await h.call('GET', `/v1/keys/${key.id}/usage?granularity=day`, h.ownerKey)).json().buckets.length, 2);
      h.clock.advance(2 * 86_400_000);
      assert.deepEqual((await h.call('GET', `/v1/keys/${key.id}/usage`, h.ownerKey)).json().buckets, []);

      const stored = await h.storage.repos.usage.series(h.orgId, key.id, 0);
      assert.deepEqual(stored.map((p) => [p.code, Number(p.count)]).sort(), [['API', 1], ['DISABLED', 2], ['RATE_LIMITED', 1], ['VALID', 1], ['VALID', 2]]);
    });

    it('needs latchkey:keys:read, and is 404 for unknown, deleted and foreign keys; bad parameters are 400', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k' });
      const verifier = await createKey(h, { name: 'verifier', permissions: ['latchkey:keys:verify'] });
      const denied = await h.call('GET', `/v1/keys/${key.id}/usage`, verifier.secret);
      assert.equal(denied.statusCode, 403);
      assert.match(String(denied.headers['www-authenticate']), /scope="latchkey:keys:read"/);

      const other = await addOrganization(h, 'Globex');
      const theirs = await createKey(h, { name: 'theirs' }, other.ownerKey);
      const gone = await createKey(h, { name: 'gone' });
      await verifyOverSocket(h, { key: gone.secret });
      await h.call('DELETE', `/v1/keys/${gone.id}`, h.ownerKey);
      for (const id of [theirs.id, gone.id, 'key_00000000000000000000']) {
        const response = await h.call('GET', `/v1/keys/${id}/usage`, h.ownerKey);
        assert.equal(response.statusCode, 404, id);
        assert.equal(errorCode(response), 'NOT_FOUND');
      }
      assert.equal(errorCode(await h.call('GET', `/v1/tokens/${key.id}/usage`, h.ownerKey)), 'NOT_FOUND');
      for (const query of ['granularity=minute', 'since=yesterday', 'since=2026-01-01', 'since=', 'from=2026-01-01T00:00:00Z']) {
        const response = await h.call('GET', `/v1/keys/${key.id}/usage?${query}`, h.ownerKey);
        assert.equal(response.statusCode, 400, query);
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      // The deleted key's pending counts cannot be stored when this answer flushes them; that must not fail it.
      assert.equal((await h.call('GET', `/v1/keys/${key.id}/usage`, h.ownerKey)).statusCode, 200);
    });
  });
}
