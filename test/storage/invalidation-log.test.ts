import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvalidationRecord } from '../../src/domain/invalidation.js';
import { createTestStorage, TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: the invalidation log is written by the unit of work`, () => {
    it('records of a committed transaction are appended with dense ids and handed to the publisher after commit', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const published: InvalidationRecord[][] = [];
      storage.onInvalidationsCommitted(async (records) => {
        // After commit: another connection already sees them.
        assert.deepEqual((await storage.repos.invalidations.readAfter(records[0]!.id - 1, 10)).map((r) => r.id), records.map((r) => r.id));
        published.push([...records]);
      });
      await storage.transaction(async (tx) => {
        tx.invalidations.record({ type: 'keys', keyIds: ['key_a'] });
        tx.invalidations.record({ type: 'member', orgId: 'org_1', userId: 'usr_1' });
        tx.invalidations.record({ type: 'keys', keyIds: [] });
      });
      await storage.transaction(async (tx) => tx.invalidations.record({ type: 'keys', keyIds: ['key_b'] }));
      assert.deepEqual(
        published.map((batch) => batch.map((r) => [r.id, r.event])),
        [
          [
            [1, { type: 'keys', keyIds: ['key_a'] }],
            [2, { type: 'member', orgId: 'org_1', userId: 'usr_1' }],
          ],
          [[3, { type: 'keys', keyIds: ['key_b'] }]],
        ],
        'an empty key list is not logged',
      );
      assert.equal(await storage.repos.invalidations.latestId(), 3);
    });

    it('a rolled-back transaction logs and publishes nothing; recording outside a transaction is refused', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      let publishes = 0;
      storage.onInvalidationsCommitted(async () => {
        publishes++;
      });
      await assert.rejects(
        storage.transaction(async (tx) => {
          tx.invalidations.record({ type: 'keys', keyIds: ['key_a'] });
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      assert.equal(publishes, 0);
      assert.equal(await storage.repos.invalidations.latestId(), 0);
      await assert.rejects(storage.run(async (repos) => repos.invalidations.record({ type: 'all' })), /recorded inside a transaction/);
    });

    it('concurrent transactions get dense ids in commit order (no id is skipped or reused)', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const ids: number[] = [];
      storage.onInvalidationsCommitted(async (records) => {
        ids.push(...records.map((r) => r.id));
      });
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          storage.transaction(async (tx) => {
            tx.invalidations.record({ type: 'keys', keyIds: [`key_${i}`] });
            if (i % 3 === 0) tx.invalidations.record({ type: 'keys', keyIds: [`key_${i}_b`] });
          }),
        ),
      );
      const logged = await storage.repos.invalidations.readAfter(0, 1000);
      const expected = 40 + Math.ceil(40 / 3);
      assert.deepEqual(
        logged.map((r) => r.id),
        Array.from({ length: expected }, (_, i) => i + 1),
      );
      assert.deepEqual([...ids].sort((a, b) => a - b), logged.map((r) => r.id));
    });

    it('trim removes old records but always keeps the latest, so ids continue from it', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      for (let i = 0; i < 5; i++) await storage.transaction(async (tx) => tx.invalidations.record({ type: 'keys', keyIds: [`key_${i}`] }));
      assert.equal(await storage.repos.invalidations.trim(Date.now() + 60_000), 4);
      assert.deepEqual((await storage.repos.invalidations.readAfter(0, 10)).map((r) => r.id), [5]);
      await storage.transaction(async (tx) => tx.invalidations.record({ type: 'all' }));
      assert.deepEqual((await storage.repos.invalidations.readAfter(0, 10)).map((r) => r.id), [5, 6]);
    });

    it('acknowledgements: live instances that have not applied an id are named; stale and acknowledged ones are not', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const now = 1_000_000;
      const repos = storage.repos;
      for (const [id, seen] of [
        ['ins_self', now],
        ['ins_behind', now],
        ['ins_current', now],
        ['ins_silent', now],
        ['ins_stale', now - 20_000],
      ] as const) {
        await repos.instances.beat({ instanceId: id, host: 'h', pid: 1, startedAt: now - 60_000, lastSeenAt: seen });
      }
      await repos.invalidations.ack('ins_behind', 4, now);
      await repos.invalidations.ack('ins_current', 5, now);
      await repos.invalidations.ack('ins_current', 7, now);
      assert.deepEqual((await repos.invalidations.unacknowledged(5, now - 15_000, 'ins_self')).sort(), ['ins_behind', 'ins_silent']);
      await repos.invalidations.removeAck('ins_current');
      assert.deepEqual((await repos.invalidations.unacknowledged(5, now - 15_000, 'ins_self')).sort(), ['ins_behind', 'ins_current', 'ins_silent']);
    });
  });
}
