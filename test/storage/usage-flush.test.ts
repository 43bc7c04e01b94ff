import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: usage flush`, () => {
    it('writes many keys in batches, never moves last-used backwards, and survives a key deleted before the flush', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const usage = h.latchkey.ctx.usage;
      const ids: string[] = [];
      for (let i = 0; i < 450; i++) {
        const key = (await h.call('POST', '/v1/keys', h.ownerKey, { name: `k${i}`, permissions: ['latchkey:keys:read'] })).json();
        ids.push(key.id);
      }
      const now = h.clock.now();
      ids.forEach((id, i) => usage.record(id, h.orgId, 'VALID', now + i, true));
      usage.record(ids[0]!, h.orgId, 'RATE_LIMITED', now, false);
      await h.call('DELETE', `/v1/keys/${ids[1]}`, h.ownerKey);
      await usage.flush();

      const first = await h.storage.repos.keys.findById(h.orgId, ids[0]!);
      const last = await h.storage.repos.keys.findById(h.orgId, ids[449]!);
      assert.deepEqual([first?.lastUsedAt, last?.lastUsedAt], [now, now + 449]);
      assert.deepEqual(
        (await h.storage.repos.usage.series(h.orgId, ids[0]!, 0)).map((p) => [p.code, p.count]),
        [['RATE_LIMITED', 1], ['VALID', 1]],
      );
      assert.equal((await h.storage.repos.usage.series(h.orgId, ids[449]!, 0)).length, 1);
      assert.equal(await h.storage.repos.keys.findById(h.orgId, ids[1]!), null);

      usage.record(ids[449]!, h.orgId, 'VALID', now + 10, true);
      await usage.flush();
      assert.equal((await h.storage.repos.keys.findById(h.orgId, ids[449]!))?.lastUsedAt, now + 449);
      assert.deepEqual((await h.storage.repos.usage.series(h.orgId, ids[449]!, 0)).map((p) => p.count), [2]);
    });
  });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: usage flush beside verification`, () => {
    it('counts every verification exactly once and keeps last-used at the latest when flushes run while keys are verified', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const usage = h.latchkey.ctx.usage;
      const keys: Array<{ id: string; secret: string }> = [];
      for (let i = 0; i < 20; i++) {
        const key = (await h.call('POST', '/v1/keys', h.ownerKey, { name: `v${i}`, permissions: ['latchkey:keys:read'] })).json();
        keys.push({ id: key.id, secret: key.secret });
      }
      await usage.flush();
      const rounds = 5;
      const started = h.clock.now();
      for (let round = 0; round < rounds; round++) {
        h.clock.advance(1000);
        const verifications = keys.map(async (k) => {
          const response = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: k.secret });
          assert.equal(response.statusCode, 200);
          assert.equal(response.json().valid, true);
        });
        await Promise.all([...verifications, usage.flush(), usage.flush()]);
      }
      await usage.flush();

      for (const k of keys) {
        const series = await h.storage.repos.usage.series(h.orgId, k.id, 0);
        assert.deepEqual([...new Set(series.map((p) => p.code))], ['VALID'], k.id);
        assert.equal(series.reduce((sum, p) => sum + Number(p.count), 0), rounds, k.id);
        assert.equal((await h.storage.repos.keys.findById(h.orgId, k.id))?.lastUsedAt, started + rounds * 1000);
      }
    });
  });
}
