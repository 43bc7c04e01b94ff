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
