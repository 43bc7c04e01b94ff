import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load-config.js';
import { buildApp } from '../src/server/build-app.js';
import { createLatchkey } from '../src/services/create-latchkey.js';
import { openStorage } from '../src/storage/open-storage.js';
import { serveParent } from './run-child.js';

/**
 * Measures a server's memory in a process of its own (run with --expose-gc), so the benchmark's own arrays of
 * secrets are not counted: the real app listening on the seeded database, before and after verifying every
 * secret in the given file once, which fills the verification cache with that many distinct keys.
 */
export interface MemoryRequest {
  databaseUrl: string;
  postgresSchema?: string;
  secretsFile: string;
  callerKey: string;
  flushBudgetSeconds: number;
}

export interface MemorySnapshot {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

export interface MemoryReport {
  idle: MemorySnapshot;
  /** Right after verifying: the cache full, and the usage recorder's counts for every key not yet written. */
  cached: MemorySnapshot;
  /** After writing those counts, as a running server does every LATCHKEY_USAGE_FLUSH_MS; null if it overran its budget. */
  afterUsageFlush: MemorySnapshot | null;
  cacheEntries: number;
  verified: number;
  valid: number;
  verifySeconds: number;
  /** Null when the flush had not finished within its budget. */
  usageFlushSeconds: number | null;
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function snapshot(): MemorySnapshot {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const m = process.memoryUsage();
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external) };
}

async function measure(request: MemoryRequest): Promise<MemoryReport> {
  const config = loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_API_RATE_LIMIT: 'off', DATABASE_URL: request.databaseUrl, LATCHKEY_DATA_DIR: '/nonexistent' });
  const storage = openStorage({ databaseUrl: request.databaseUrl, dataDir: config.dataDir, ...(request.postgresSchema ? { postgresSchema: request.postgresSchema } : {}) });
  const lk = createLatchkey(config, storage);
  const app = await buildApp(lk);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const caller = await lk.authenticator.fromKey(request.callerKey, null);
  const idle = snapshot();

  let secrets: string[] | null = readFileSync(request.secretsFile, 'utf8').split('\n').filter(Boolean);
  const verified = secrets.length;
  let valid = 0;
  const started = process.hrtime.bigint();
  for (const key of secrets) {
    const result = await lk.verify.verify(caller, { key, query: null, projectId: null, ip: null });
    if (result.valid) valid++;
  }
  const verifySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  secrets = null;
  const cached = snapshot();
  const cacheEntries = lk.ctx.cache.size;
  const flushStarted = process.hrtime.bigint();
  const flushed = await Promise.race([
    lk.ctx.usage.flush().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), request.flushBudgetSeconds * 1000).unref()),
  ]);
  const usageFlushSeconds = flushed ? Number(process.hrtime.bigint() - flushStarted) / 1e9 : null;
  const afterUsageFlush = flushed ? snapshot() : null;
  // An unfinished flush is abandoned with the process; the benchmark schema is dropped afterwards.
  if (flushed) {
    await app.close();
    await lk.stop();
    await storage.close();
  }
  return { idle, cached, afterUsageFlush, cacheEntries, verified, valid, verifySeconds, usageFlushSeconds };
}

serveParent(measure);
