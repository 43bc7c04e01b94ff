import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { createLatchkey } from '../src/services/create-latchkey.js';
import { openStorage } from '../src/storage/open-storage.js';
import type { UsageIncrement } from '../src/storage/repositories/usage-repository.js';
import { seedKeys } from './seed-keys.js';

/**
 * Where a usage flush's time goes, statement by statement: `KEYS` keys (100,000 by default) seeded on each of
 * BENCH_DATABASES, then the last-used write and the count write each timed on their own, first as a flush that
 * inserts every row (the first flush of an hour), then again as one that updates them all. On PostgreSQL the
 * same statements are also run under EXPLAIN (ANALYZE, BUFFERS, WAL) in a transaction rolled back afterwards.
 * ROW_SET_CHUNK sets the rows per statement in place of the dialect's; SKIP_EXPLAIN=1 leaves out the plans.
 * A tool for looking, not a measurement of record: `BENCH_ONLY=flush npm run bench` is that.
 */
const rowSetChunk = process.env.ROW_SET_CHUNK ? { rowSetChunk: Number(process.env.ROW_SET_CHUNK) } : {};
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const count = Number(process.env.KEYS ?? 100_000);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');

const ms = (started: bigint) => `${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`;

for (const database of databases) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-flush-profile-'));
  const schema = `lk_prof_${randomBytes(4).toString('hex')}`;
  const admin = database === 'postgres' ? new pg.Client({ connectionString: postgresUrl }) : null;
  if (admin) {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
  }
  try {
    const file = join(dir, 'latchkey.sqlite');
    const storage = openStorage(
      database === 'postgres' ? { databaseUrl: postgresUrl, dataDir: '', postgresSchema: schema, ...rowSetChunk } : { databaseUrl: `sqlite:${file}`, dataDir: '', ...rowSetChunk },
    );
    await storage.migrate();
    const lk = createLatchkey(loadConfig({ LOG_LEVEL: 'silent' }), storage);
    const setup = await lk.setup.initialize({ organizationName: 'P', email: 'p@example.test', password: 'profile password 123' });
    const seeded = await seedKeys(database === 'postgres' ? { database: 'postgres', url: postgresUrl, schema } : { database: 'sqlite', file }, {
      orgId: setup.orgId,
      createdById: setup.userId,
      count,
      sampleSize: count,
      digest: lk.ctx.digest,
      now: Date.now(),
    });
    console.log(`${database}: ${count} keys seeded in ${seeded.seconds.toFixed(1)} s`);
    const now = Date.now();
    const bucket = now - (now % 3_600_000);
    const ids = seeded.sample.map((s) => s.id);
    for (const round of ['insert', 'update']) {
      const times = ids.map((keyId, i) => ({ keyId, at: now + i + (round === 'update' ? 1000 : 0) }));
      const counts: UsageIncrement[] = ids.map((keyId) => ({ keyId, orgId: setup.orgId, bucket, code: 'VALID', count: 1 }));
      let started = process.hrtime.bigint();
      await storage.transaction((tx) => tx.usage.recordLastUsed(times));
      console.log(`  ${round}: last-used times ${ms(started)}`);
      started = process.hrtime.bigint();
      await storage.transaction((tx) => tx.usage.add(counts));
      console.log(`  ${round}: counts ${ms(started)}`);
    }
    await lk.stop();
    await storage.close();
    if (database === 'postgres' && !process.env.SKIP_EXPLAIN) {
      const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema}` });
      await client.connect();
      const explain = async (label: string, text: string, values: unknown[]) => {
        await client.query('begin');
        const plan = await client.query(`explain (analyze, buffers, wal) ${text}`, values);
        await client.query('rollback');
        console.log(`  EXPLAIN ${label}\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
      };
      await explain(
        'last-used (update path)',
        `insert into key_last_used (key_id, last_used_at) select v.key_id, v.at from unnest($1::text[], $2::bigint[]) as v(key_id, at) join api_keys on api_keys.id = v.key_id
         on conflict (key_id) do update set last_used_at = excluded.last_used_at where key_last_used.last_used_at < excluded.last_used_at`,
        [ids, ids.map((_, i) => now + 10_000 + i)],
      );
      await explain(
        'counts (update path)',
        `insert into key_usage (key_id, org_id, bucket, code, count) select v.key_id, v.org_id, v.bucket, v.code, v.count
         from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) as v(key_id, org_id, bucket, code, count) join api_keys on api_keys.id = v.key_id
         on conflict (key_id, bucket, code) do update set count = key_usage.count + excluded.count`,
        [ids, ids.map(() => setup.orgId), ids.map(() => bucket), ids.map(() => 'VALID'), ids.map(() => 1)],
      );
      await explain(
        'counts (insert path, next hour)',
        `insert into key_usage (key_id, org_id, bucket, code, count) select v.key_id, v.org_id, v.bucket, v.code, v.count
         from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) as v(key_id, org_id, bucket, code, count) join api_keys on api_keys.id = v.key_id
         on conflict (key_id, bucket, code) do update set count = key_usage.count + excluded.count`,
        [ids, ids.map(() => setup.orgId), ids.map(() => bucket + 3_600_000), ids.map(() => 'VALID'), ids.map(() => 1)],
      );
      await client.end();
    }
  } finally {
    if (admin) {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
