import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load-config.js';
import { parsePermissionQuery } from '../src/domain/permission-query.js';
import { createLatchkey } from '../src/services/create-latchkey.js';
import { openStorage } from '../src/storage/open-storage.js';
import { serveParent } from './run-child.js';
import { searchPrefixes } from './seed-keys.js';
import { type LatencySummary, summarize, timeEach } from './stats.js';

/**
 * Measurements through the services in a fresh process on the seeded database, opened the way a server opens
 * it (SQLite gathers its planner statistics at open). `latency`: verification with a cold cache (cleared
 * before each call) and a warm one, a walk through the key list page by page, and name-prefix searches.
 * `bulk`: one bulk revoke of many keys.
 */
export type ServiceRequest = LatencyRequest | BulkRequest | FlushRequest;

/** The usage flush on its own: `ids` each get a last-used time and a count, then one flush writes them all. */
export interface FlushRequest {
  kind: 'flush';
  databaseUrl: string;
  postgresSchema?: string;
  callerKey: string;
  ids: string[];
  orgId: string;
}

export interface FlushReport {
  keys: number;
  seconds: number;
  /** Counts found in storage afterwards, so a flush that wrote nothing cannot look fast. */
  stored: number;
}

export interface BulkRequest {
  kind: 'bulk';
  databaseUrl: string;
  postgresSchema?: string;
  callerKey: string;
  ids: string[];
}

export interface BulkReport {
  keys: number;
  ms: number;
  revoked: number;
}

export interface LatencyRequest {
  kind: 'latency';
  databaseUrl: string;
  postgresSchema?: string;
  callerKey: string;
  /** One secret per line: the keys to verify, the first `warmup` of them only to warm the JIT and the pool. */
  secretsFile: string;
  warmup: number;
  pageRequests: number;
  seriesBudgetSeconds: number;
}

export interface LatencyReport {
  coldVerify: LatencySummary;
  warmVerify: LatencySummary;
  listPage: LatencySummary;
  searchPrefix: LatencySummary;
}

async function open(request: ServiceRequest, env: Record<string, string> = {}) {
  const storage = openStorage({ databaseUrl: request.databaseUrl, dataDir: '', ...(request.postgresSchema ? { postgresSchema: request.postgresSchema } : {}) });
  // The usage recorder is not started: its periodic flush would land inside whichever operation it
  // interleaves with, and these numbers describe the operations themselves.
  const lk = createLatchkey(loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_API_RATE_LIMIT: 'off', ...env }), storage);
  const principal = await lk.authenticator.fromKey(request.callerKey, null);
  const close = async () => {
    await lk.stop();
    await storage.close();
  };
  return { lk, principal, close };
}

async function bulk(request: BulkRequest): Promise<BulkReport> {
  const { lk, principal, close } = await open(request, { LATCHKEY_BULK_MAX: String(Math.max(1000, request.ids.length)) });
  const started = process.hrtime.bigint();
  const results = await lk.keys.bulk(principal, 'revoke', request.ids, 0, { ip: '127.0.0.1', requestId: 'bench' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await close();
  return { keys: request.ids.length, ms: Math.round(ms * 10) / 10, revoked: results.filter((r) => r.outcome === 'revoked').length };
}

async function flush(request: FlushRequest): Promise<FlushReport> {
  const { lk, close } = await open(request, { LATCHKEY_USAGE_BUFFER_MAX: String(Math.max(100_000, request.ids.length * 2)) });
  const now = Date.now();
  request.ids.forEach((id, i) => lk.ctx.usage.record(id, request.orgId, 'VALID', now + (i % 1000), true));
  const started = process.hrtime.bigint();
  await lk.ctx.usage.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let stored = 0;
  for (const id of request.ids.slice(0, 100)) stored += (await lk.ctx.storage.run((repos) => repos.usage.series(request.orgId, id, 0))).length;
  await close();
  return { keys: request.ids.length, seconds: Math.round(seconds * 1000) / 1000, stored };
}

async function latency(request: LatencyRequest): Promise<LatencyReport> {
  const { lk, principal, close } = await open(request);
  const all = readFileSync(request.secretsFile, 'utf8').split('\n').filter(Boolean);
  const secrets = all.slice(request.warmup);

  const query = parsePermissionQuery('orders:read');
  const verify = async (key: string) => {
    const result = await lk.verify.verify(principal, { key, query, projectId: null, ip: null });
    if (!result.valid) throw new Error(`benchmark key did not verify: ${result.code}`);
  };
  // A server has long since compiled its hot paths and opened its connections; the first calls of a fresh
  // process have not, so they run untimed on keys the measured series does not use.
  await timeEach(all.slice(0, request.warmup), verify, { before: () => lk.ctx.cache.clear() });
  const cold = await timeEach(secrets, verify, { before: () => lk.ctx.cache.clear() });
  for (const secret of secrets) await verify(secret);
  const warm = await timeEach(secrets, verify);

  let cursor: string | undefined;
  const budget = { budgetSeconds: request.seriesBudgetSeconds };
  const list = await timeEach(
    Array.from({ length: request.pageRequests }),
    async () => {
      const page = await lk.keys.list(principal, { limit: 50, ...(cursor ? { cursor } : {}) });
      if (page.items.length !== 50) throw new Error(`short page: ${page.items.length}`);
      cursor = page.nextCursor ?? undefined;
    },
    budget,
  );
  // Half the searches open a prefix, half continue where that prefix's previous page ended.
  const prefixes = searchPrefixes();
  const cursors = new Map<string, string>();
  const search = await timeEach(
    Array.from({ length: request.pageRequests }),
    async (_, i) => {
      const prefix = prefixes[Math.floor(Math.random() * prefixes.length)]!;
      const next = i % 2 === 1 ? cursors.get(prefix) : undefined;
      const page = await lk.keys.list(principal, { limit: 50, search: prefix, ...(next ? { cursor: next } : {}) });
      if (page.items.length === 0) throw new Error(`no match for ${prefix}`);
      if (page.nextCursor) cursors.set(prefix, page.nextCursor);
    },
    budget,
  );

  await close();
  return {
    coldVerify: summarize(cold),
    warmVerify: summarize(warm),
    listPage: summarize(list, request.pageRequests),
    searchPrefix: summarize(search, request.pageRequests),
  };
}

serveParent<ServiceRequest, BulkReport | LatencyReport | FlushReport>((request) =>
  request.kind === 'bulk' ? bulk(request) : request.kind === 'flush' ? flush(request) : latency(request),
);
