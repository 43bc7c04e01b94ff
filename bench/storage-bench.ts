import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { createLatchkey } from '../src/services/create-latchkey.js';
import { openStorage } from '../src/storage/open-storage.js';
import type { BulkReport, FlushReport, LatencyReport, ServiceRequest } from './service-child.js';
import type { MemoryReport, MemoryRequest } from './memory-child.js';
import { runChild } from './run-child.js';
import { type SeedTarget, seedKeys } from './seed-keys.js';
import { type LatencySummary, round, sample } from './stats.js';

export type BenchDatabase = 'sqlite' | 'postgres';

export interface StorageBenchOptions {
  keys: number;
  verifications: number;
  pageRequests: number;
  bulkRevoke: number;
  cachedKeys: number;
  /** Time allowed to each series of list or search requests before it is cut short (and reported so). */
  seriesBudgetSeconds: number;
  /** Time allowed to the memory process's final usage flush. */
  flushBudgetSeconds: number;
  postgresUrl: string;
  log: (line: string) => void;
}

export interface FlushBenchResult {
  database: BenchDatabase;
  keys: number;
  seedSeconds: number;
  flush: FlushReport;
}

export interface StorageBenchResult {
  database: BenchDatabase;
  keys: number;
  seedSeconds: number;
  coldVerify: LatencySummary;
  warmVerify: LatencySummary;
  listPage: LatencySummary;
  searchPrefix: LatencySummary;
  bulkRevoke: BulkReport;
  memory: MemoryReport;
}

interface Opened {
  databaseUrl: string;
  postgresSchema?: string;
  target: SeedTarget;
  cleanup: () => Promise<void>;
}

async function openTarget(database: BenchDatabase, postgresUrl: string): Promise<Opened> {
  if (database === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
    const file = join(dir, 'latchkey.sqlite');
    return { databaseUrl: `sqlite:${file}`, target: { database, file }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `lk_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    databaseUrl: postgresUrl,
    postgresSchema: schema,
    target: { database, url: postgresUrl, schema },
    async cleanup() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * The usage flush alone (BENCH_ONLY=flush): `o.cachedKeys` keys seeded, each given a last-used time and one
 * count in a fresh process, then one timed `flush()`, the write a server makes every LATCHKEY_USAGE_FLUSH_MS.
 */
export async function benchFlush(database: BenchDatabase, o: StorageBenchOptions): Promise<FlushBenchResult> {
  const opened = await openTarget(database, o.postgresUrl);
  try {
    const storage = openStorage({ databaseUrl: opened.databaseUrl, dataDir: '', ...(opened.postgresSchema ? { postgresSchema: opened.postgresSchema } : {}) });
    await storage.migrate();
    const lk = createLatchkey(loadConfig({ LOG_LEVEL: 'silent' }), storage);
    const setup = await lk.setup.initialize({ organizationName: 'Bench', email: 'bench@example.test', password: 'bench password 123' });
    o.log(`  ${database}: seeding ${o.cachedKeys.toLocaleString('en')} keys...`);
    const seeded = await seedKeys(opened.target, { orgId: setup.orgId, createdById: setup.userId, count: o.cachedKeys, sampleSize: o.cachedKeys, digest: lk.ctx.digest, now: Date.now() });
    await lk.stop();
    await storage.close();
    o.log(`  ${database}: flushing usage of ${o.cachedKeys.toLocaleString('en')} keys (separate process)...`);
    const flush = await runChild<ServiceRequest, FlushReport>('./service-child.ts', {
      kind: 'flush',
      databaseUrl: opened.databaseUrl,
      ...(opened.postgresSchema ? { postgresSchema: opened.postgresSchema } : {}),
      callerKey: setup.ownerKey.secret,
      orgId: setup.orgId,
      ids: seeded.sample.map((s) => s.id),
    });
    return { database, keys: o.cachedKeys, seedSeconds: round(seeded.seconds, 1), flush };
  } finally {
    await opened.cleanup();
  }
}

/**
 * Everything measured against one database holding `keys` keys: seeding here, then, each in a fresh process
 * opened on the seeded data as a server would open it, cold and warm verification with listing and prefix
 * search, memory with the cache full, and last (it changes the data) one bulk revoke.
 */
export async function benchStorage(database: BenchDatabase, o: StorageBenchOptions): Promise<StorageBenchResult> {
  const opened = await openTarget(database, o.postgresUrl);
  const scratch = mkdtempSync(join(tmpdir(), 'latchkey-bench-secrets-'));
  try {
    const storage = openStorage({ databaseUrl: opened.databaseUrl, dataDir: '', ...(opened.postgresSchema ? { postgresSchema: opened.postgresSchema } : {}) });
    await storage.migrate();
    const lk = createLatchkey(loadConfig({ LOG_LEVEL: 'silent' }), storage);
    const setup = await lk.setup.initialize({ organizationName: 'Bench', email: 'bench@example.test', password: 'bench password 123' });

    o.log(`  ${database}: seeding ${o.keys.toLocaleString('en')} keys...`);
    const seeded = await seedKeys(opened.target, {
      orgId: setup.orgId,
      createdById: setup.userId,
      count: o.keys,
      sampleSize: Math.max(o.cachedKeys, o.verifications + 2000, o.bulkRevoke),
      digest: lk.ctx.digest,
      now: Date.now(),
    });
    await lk.stop();
    await storage.close();
    o.log(`  ${database}: seeded in ${seeded.seconds.toFixed(1)} s; verifying, listing and searching (separate process)...`);
    const target = { databaseUrl: opened.databaseUrl, ...(opened.postgresSchema ? { postgresSchema: opened.postgresSchema } : {}) };

    const verifyFile = join(scratch, 'verify.txt');
    const warmup = Math.min(2000, Math.floor(seeded.sample.length / 10));
    writeFileSync(verifyFile, `${sample(seeded.sample, warmup + o.verifications).map((s) => s.secret).join('\n')}\n`);
    const latency = await runChild<ServiceRequest, LatencyReport>('./service-child.ts', {
      kind: 'latency',
      ...target,
      callerKey: setup.ownerKey.secret,
      secretsFile: verifyFile,
      warmup,
      pageRequests: o.pageRequests,
      seriesBudgetSeconds: o.seriesBudgetSeconds,
    });

    o.log(`  ${database}: memory with ${o.cachedKeys.toLocaleString('en')} keys cached (separate process)...`);
    const secretsFile = join(scratch, 'secrets.txt');
    writeFileSync(secretsFile, `${sample(seeded.sample, o.cachedKeys).map((s) => s.secret).join('\n')}\n`);
    const memory = await runChild<MemoryRequest, MemoryReport>('./memory-child.ts', {
      ...target,
      secretsFile,
      callerKey: setup.ownerKey.secret,
      flushBudgetSeconds: o.flushBudgetSeconds,
    }, ['--expose-gc']);

    o.log(`  ${database}: bulk revoke of ${o.bulkRevoke.toLocaleString('en')} keys (separate process)...`);
    const bulkRevoke = await runChild<ServiceRequest, BulkReport>('./service-child.ts', {
      kind: 'bulk',
      ...target,
      callerKey: setup.ownerKey.secret,
      ids: sample(seeded.sample, o.bulkRevoke).map((s) => s.id),
    });

    return {
      database,
      keys: o.keys,
      seedSeconds: round(seeded.seconds, 1),
      ...latency,
      bulkRevoke,
      memory,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await opened.cleanup();
  }
}
