import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, Migrator, sql } from 'kysely';
import { createMigrationProvider } from '../../src/storage/migrations/index.js';
import type { DialectAdapter } from '../../src/storage/dialect/dialect-adapter.js';
import type { Storage } from '../../src/storage/storage.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const HOUR = 3_600_000;

/** The storage's own migrator, taken apart the way Storage.migrate builds it, to step back to an older schema. */
function migratorOf(storage: Storage): { db: Kysely<any>; migrator: Migrator } {
  const { db, adapter } = storage as unknown as { db: Kysely<any>; adapter: DialectAdapter };
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(adapter.migrationContext),
    ...(adapter.migrationTableSchema ? { migrationTableSchema: adapter.migrationTableSchema } : {}),
  });
  return { db, migrator };
}

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

for (const database of TEST_DATABASES) {
  describe(`${database}: usage flush larger than one statement`, () => {
    it('writes every chunk, last-used times and counts alike, within the one transaction', async (t) => {
      // Seven rows per statement: 20 keys and 60 counts cross several chunk boundaries.
      const h = await createTestApp(database, { rowSetChunk: 7 });
      t.after(() => h.close());
      const usage = h.latchkey.ctx.usage;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await h.call('POST', '/v1/keys', h.ownerKey, { name: `c${i}`, permissions: ['latchkey:keys:read'] })).json().id);
      const now = h.clock.now();
      const bucket = now - (now % HOUR);
      ids.forEach((id, i) => {
        usage.record(id, h.orgId, 'VALID', now + i, true);
        usage.record(id, h.orgId, 'VALID', now + HOUR + i, true);
        usage.record(id, h.orgId, 'RATE_LIMITED', now + HOUR + i, false);
      });
      await usage.flush();
      for (const [i, id] of ids.entries()) {
        assert.equal((await h.storage.repos.keys.findById(h.orgId, id))?.lastUsedAt, now + HOUR + i, id);
        assert.deepEqual(
          (await h.storage.repos.usage.series(h.orgId, id, 0)).map((p) => [Number(p.bucket), p.code, Number(p.count)]),
          [
            [bucket, 'VALID', 1],
            [bucket + HOUR, 'RATE_LIMITED', 1],
            [bucket + HOUR, 'VALID', 1],
          ],
          id,
        );
      }
      assert.equal(usage.pendingRows, 0);
    });
  });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: migration m005 (last-used times in a table of their own)`, () => {
    it('keeps every key\'s last-used time from the old column, and flushes into the new table afterwards', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await h.call('POST', '/v1/keys', h.ownerKey, { name: `m${i}`, permissions: ['latchkey:keys:read'] })).json().id);
      const [flushed, written, unused] = ids as [string, string, string];
      const now = h.clock.now();
      h.latchkey.ctx.usage.record(flushed, h.orgId, 'VALID', now + 10, true);
      await h.latchkey.ctx.usage.flush();

      // Back to the schema before m005 (its down copies the table into the column), then a time written the
      // old way, as the previous version would have left it.
      const { db, migrator } = migratorOf(h.storage);
      const down = await migrator.migrateTo('m004_instances');
      assert.equal(down.error, undefined);
      await sql`update api_keys set last_used_at = ${now + 20} where id = ${written}`.execute(db);
      const before = await sql<{ id: string; last_used_at: number | string | null }>`select id, last_used_at from api_keys where id in (${sql.join(ids)})`.execute(db);
      assert.deepEqual(
        Object.fromEntries(before.rows.map((r) => [r.id, r.last_used_at === null ? null : Number(r.last_used_at)])),
        { [flushed]: now + 10, [written]: now + 20, [unused]: null },
      );

      assert.deepEqual(await h.storage.migrate(), ['m005_key_last_used', 'm006_invalidation_log', 'm007_oauth', 'm008_oauth_signing_keys', 'm009_usage_without_foreign_keys']);
      const lastUsed = async (id: string) => (await h.call('GET', `/v1/keys/${id}`, h.ownerKey)).json().lastUsedAt;
      assert.equal(await lastUsed(flushed), new Date(now + 10).toISOString());
      assert.equal(await lastUsed(written), new Date(now + 20).toISOString());
      assert.equal(await lastUsed(unused), null);
      const columns = await db.introspection.getTables();
      assert.ok(!columns.find((table) => table.name === 'api_keys')!.columns.some((c) => c.name === 'last_used_at'), 'the old column is gone');

      h.latchkey.ctx.usage.record(written, h.orgId, 'VALID', now + 30, true);
      h.latchkey.ctx.usage.record(unused, h.orgId, 'VALID', now + 40, true);
      await h.latchkey.ctx.usage.flush();
      assert.equal(await lastUsed(written), new Date(now + 30).toISOString());
      assert.equal(await lastUsed(unused), new Date(now + 40).toISOString());
    });
  });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: usage flush beside key deletion`, () => {
    // The usage tables have no foreign key on PostgreSQL (m009); the usage lock is what keeps a flush that joined
    // a key from committing its rows after that key's deletion removed the rest.
    it('leaves no usage row or last-used time of a deleted key when deletions and flushes run together', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const usage = h.latchkey.ctx.usage;
      const { db } = migratorOf(h.storage);
      for (let round = 0; round < 6; round++) {
        const ids: string[] = [];
        for (let i = 0; i < 16; i++) ids.push((await h.call('POST', '/v1/keys', h.ownerKey, { name: `d${round}-${i}`, permissions: ['latchkey:keys:read'] })).json().id);
        const now = h.clock.now();
        for (const id of ids) usage.record(id, h.orgId, 'VALID', now, true);
        const doomed = ids.filter((_, i) => i % 2 === 0);
        const [, ...deletions] = await Promise.all([
          usage.flush(),
          ...doomed.map((id) => h.call('DELETE', `/v1/keys/${id}`, h.ownerKey)),
        ]);
        for (const response of deletions) assert.equal(response.statusCode, 204);
        await usage.flush();
        for (const table of ['key_usage', 'key_last_used']) {
          const orphans = await sql<{ key_id: string }>`select key_id from ${sql.table(table)} where key_id not in (select id from api_keys)`.execute(db);
          assert.deepEqual(orphans.rows, [], `${table} rows outlived their keys in round ${round}`);
        }
        for (const id of ids.filter((_, i) => i % 2 === 1)) {
          assert.equal((await h.storage.repos.keys.findById(h.orgId, id))?.lastUsedAt, now, 'a key that stays keeps its use');
        }
      }
    });
  });
}
