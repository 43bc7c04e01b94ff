import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { benchHash, type HashBenchResult } from './hash-bench.js';
import { benchHttp, type HttpBenchResult } from './http-bench.js';
import { type MachineInfo, machineInfo, revision } from './machine-info.js';
import { benchOAuth, type OAuthBenchResult } from './oauth-bench.js';
import { benchPropagation, type PropagationBenchResult } from './propagation-bench.js';
import { type BenchDatabase, benchFlush, benchStorage, type FlushBenchResult, type StorageBenchResult } from './storage-bench.js';

/**
 * `npm run bench`: measures Latchkey on this machine and writes bench/results/<timestamp>.json and latest.json.
 * BENCH_KEYS sets the stored key count (default 1,000,000); BENCH_QUICK=1 shrinks everything for a smoke run
 * (written as <timestamp>-quick.json only);
 * BENCH_DATABASES=sqlite,postgres picks the databases; BENCH_POSTGRES_URL points at PostgreSQL;
 * BENCH_ONLY=propagation times invalidation across three real processes (BENCH_REVOCATIONS, BENCH_REDIS_URL);
 * BENCH_ONLY=http or BENCH_ONLY=storage runs one part (the hash baseline always runs); BENCH_ONLY=flush times
 * only the usage flush of 100,000 keys on each database;
 * BENCH_ONLY=oauth measures client-credentials issuance and OAuth-token verification next to API keys (a few s each);
 * BENCH_CPU_PROF=<dir> writes a CPU profile of the Latchkey HTTP server.
 */
interface Goal {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

interface BenchResults {
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  quick: boolean;
  revision: ReturnType<typeof revision>;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  settings: Record<string, number | string>;
  hash: HashBenchResult;
  http: HttpBenchResult | null;
  storage: StorageBenchResult[];
  flush: FlushBenchResult[];
  propagation: PropagationBenchResult[];
  oauth: OAuthBenchResult | null;
  goals: Goal[];
  notes: string[];
}

const quick = process.env.BENCH_QUICK === '1';
const keys = Number(process.env.BENCH_KEYS ?? (quick ? 20_000 : 1_000_000));
if (!Number.isSafeInteger(keys) || keys < 1000) throw new Error('BENCH_KEYS must be a whole number of at least 1000');
const settings = {
  keys,
  verifications: Math.min(keys, quick ? 1000 : 5000),
  pageRequests: 200,
  bulkRevoke: Math.min(keys, quick ? 1000 : 10_000),
  cachedKeys: Math.min(keys, quick ? 5000 : 100_000),
  connections: 50,
  durationSeconds: quick ? 2 : 10,
  warmupSeconds: quick ? 1 : 3,
  pipelining: 1,
  hashOps: 200_000,
  seriesBudgetSeconds: quick ? 20 : 60,
  flushBudgetSeconds: quick ? 20 : 45,
};
const only = process.env.BENCH_ONLY ?? '';
if (!['', 'http', 'storage', 'flush', 'propagation', 'oauth'].includes(only)) throw new Error('BENCH_ONLY must be http, storage, flush, propagation or oauth');
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line: string) => console.log(line);
const notes: string[] = [];

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const started = new Date();
const machine = machineInfo();
const measuredRevision = revision();
log(`Latchkey benchmark${quick ? ' (QUICK: small sizes, numbers are not representative)' : ''}`);
log(`revision: ${measuredRevision.commit}${measuredRevision.uncommittedChanges ? ' with uncommitted changes' : ''}`);
log(`machine: ${machine.nproc} cpus (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

let databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as BenchDatabase[];
if (databases.includes('postgres') && !(await postgresReachable())) {
  notes.push(`PostgreSQL was not reachable at ${postgresUrl.replace(/\/\/[^@]*@/, '//***@')}; only SQLite was measured.`);
  log(`!! ${notes[notes.length - 1]}`);
  databases = databases.filter((d) => d !== 'postgres');
}

log('\n[1/3] SHA-256 baseline');
const hash = benchHash(settings.hashOps);

let http: HttpBenchResult | null = null;
if (only === '' || only === 'http') {
  log(`[2/3] HTTP verification, warm cache: ${settings.connections} connections, ${settings.durationSeconds} s, pipelining ${settings.pipelining}`);
  http = await benchHttp(settings);
  for (const run of [http.bare, http.minimal, http.floor, http.latchkey]) {
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`HTTP run had ${run.non2xx} non-2xx responses and ${run.errors} errors; the numbers would be meaningless`);
  }
}

const storage: StorageBenchResult[] = [];
if (only === '' || only === 'storage') {
  log(`[3/3] In process over ${keys.toLocaleString('en')} stored keys`);
  for (const database of databases) storage.push(await benchStorage(database, { ...settings, postgresUrl, log }));
}
const flush: FlushBenchResult[] = [];
if (only === 'flush') {
  log(`[3/3] Usage flush of ${settings.cachedKeys.toLocaleString('en')} keys`);
  for (const database of databases) flush.push(await benchFlush(database, { ...settings, postgresUrl, log }));
}

const propagation: PropagationBenchResult[] = [];
if (only === '' || only === 'propagation') {
  if (databases.includes('postgres')) {
    const revocations = Number(process.env.BENCH_REVOCATIONS ?? (quick ? 100 : 1000));
    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    log(`[propagation] ${revocations} revocations on A, B and C polled until REVOKED (three real processes)`);
    for (const mode of ['postgres', 'postgres+redis'] as const) propagation.push(await benchPropagation(mode, { revocations, redisUrl, log }));
  } else {
    notes.push('propagation needs PostgreSQL; not measured.');
  }
}

let oauth: OAuthBenchResult | null = null;
if (only === '' || only === 'oauth') {
  const seconds = quick ? 2 : 4;
  log(`[oauth] client-credentials issuance, and verify of OAuth tokens vs API keys: ${settings.connections} connections, ${seconds} s each`);
  oauth = await benchOAuth({ connections: settings.connections, durationSeconds: seconds, warmupSeconds: 1 });
  for (const r of [oauth.issuance, oauth.verifyApiKey, oauth.verifyOAuthToken]) {
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`OAuth run had ${r.non2xx} non-2xx responses and ${r.errors} errors; the numbers would be meaningless`);
  }
}

const goals: Goal[] = [
  ...(oauth ? [{ name: 'HTTP verify: OAuth token vs API key req/s', goal: '>= 0.95', measured: oauth.ratio.toFixed(2), met: oauth.ratio >= 0.95 }] : []),
  ...propagation.map((p) => {
    const p99 = Math.max(p.untilRevokedOnB.p99Ms, p.untilRevokedOnC.p99Ms);
    return { name: `${p.mode}: revoked on B and C, p99`, goal: '<= 50 ms', measured: `${p99.toFixed(2)} ms`, met: p99 <= 50 };
  }),
  ...(http
    ? [
        { name: 'HTTP verify req/s vs bare node:http', goal: '>= 0.80', measured: http.ratio.toFixed(2), met: http.ratio >= 0.8 },
        { name: 'HTTP verify server CPU/req vs minimal', goal: '<= 1.25', measured: http.cpuVsMinimal.toFixed(2), met: http.cpuVsMinimal <= 1.25 },
      ]
    : []),
  ...storage.flatMap((s) => [
    { name: `${s.database}: cold verify p99`, goal: '< 2 ms', measured: `${s.coldVerify.p99Ms.toFixed(3)} ms`, met: s.coldVerify.p99Ms < 2 },
    { name: `${s.database}: list page p99`, goal: '< 20 ms', measured: `${s.listPage.p99Ms.toFixed(2)} ms`, met: s.listPage.p99Ms < 20 },
    { name: `${s.database}: prefix search p99`, goal: '< 20 ms', measured: `${s.searchPrefix.p99Ms.toFixed(2)} ms`, met: s.searchPrefix.p99Ms < 20 },
    { name: `${s.database}: bulk revoke ${s.bulkRevoke.keys.toLocaleString('en')}`, goal: '< 2000 ms', measured: `${s.bulkRevoke.ms.toFixed(0)} ms`, met: s.bulkRevoke.ms < 2000 },
    {
      name: `${s.database}: usage flush after ${s.memory.cacheEntries.toLocaleString('en')} verifications`,
      goal: '< 2 s',
      measured: s.memory.usageFlushSeconds === null ? 'did not finish' : `${s.memory.usageFlushSeconds.toFixed(2)} s`,
      met: s.memory.usageFlushSeconds !== null && s.memory.usageFlushSeconds < 2,
    },
  ]),
  ...flush.map((f) => ({ name: `${f.database}: usage flush of ${f.keys.toLocaleString('en')} keys`, goal: '< 2 s', measured: `${f.flush.seconds.toFixed(2)} s`, met: f.flush.seconds < 2 })),
];

const finished = new Date();
const results: BenchResults = {
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  totalSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
  quick,
  revision: measuredRevision,
  machine,
  loadAverageAtEnd: machineInfo().loadAverage,
  settings,
  hash,
  http,
  storage,
  flush,
  propagation,
  oauth,
  goals,
  notes,
};

const pad = (s: string, n: number) => s.padEnd(n);
const num = (v: number, d = 3) => v.toFixed(d).padStart(9);
log('\n=== Results ===');
log(`SHA-256 of a token: ${hash.meanNsPerOp} ns/op (timed one by one: p50 ${hash.timedEach.p50Ms} ms, p99 ${hash.timedEach.p99Ms} ms)`);
if (http) {
  log(`HTTP POST /v1/keys/verify (${http.connections} conns, ${http.durationSeconds} s, keys rotated over ${http.rotatedKeys}):`);
  for (const [label, run] of [
    ['bare node:http', http.bare],
    ['minimal verify server', http.minimal],
    ['floor (+ caller auth, log)', http.floor],
    ['latchkey (log level info)', http.latchkey],
  ] as const) {
    log(`  ${pad(label, 27)}${run.requestsPerSecond.toFixed(0).padStart(7)} req/s  ${run.serverCpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms`);
  }
  log(`  req/s: latchkey/bare ${http.ratio.toFixed(3)}, latchkey/minimal ${http.ratioVsMinimal.toFixed(3)}`);
  log(`  server CPU/req: latchkey/minimal ${http.cpuVsMinimal.toFixed(3)}, latchkey/bare ${(1 / http.cpuRatio).toFixed(3)}, latchkey/floor ${http.cpuVsFloor.toFixed(3)}, floor/minimal ${http.floorVsMinimal.toFixed(3)}`);
  log(`  req/s: floor/bare ${(http.floor.requestsPerSecond / http.bare.requestsPerSecond).toFixed(3)}`);
  log(`  latchkey logged ${http.latchkeyLogBytesPerRequest} bytes per request`);
}
for (const s of storage) {
  log(`\n${s.database}, ${s.keys.toLocaleString('en')} keys (seeded in ${s.seedSeconds} s)      p50 ms     p99 ms`);
  for (const [label, l] of [
    ['verify, cold cache', s.coldVerify],
    ['verify, warm cache', s.warmVerify],
    ['list page of 50', s.listPage],
    ['prefix search page', s.searchPrefix],
  ] as const) {
    log(`  ${pad(label, 40)}${num(l.p50Ms)}  ${num(l.p99Ms)}${l.planned ? `  (only ${l.n} of ${l.planned} within the ${settings.seriesBudgetSeconds} s budget)` : ''}`);
  }
  log(`  bulk revoke ${s.bulkRevoke.keys.toLocaleString('en')} keys: ${s.bulkRevoke.ms} ms`);
  const m = s.memory;
  const flush = m.afterUsageFlush
    ? `after the usage flush (${m.usageFlushSeconds?.toFixed(1)} s): rss ${m.afterUsageFlush.rssMiB} MiB, heap ${m.afterUsageFlush.heapUsedMiB} MiB`
    : `the usage flush did not finish within ${settings.flushBudgetSeconds} s`;
  log(`  memory: idle rss ${m.idle.rssMiB} MiB heap ${m.idle.heapUsedMiB} MiB; ${m.cacheEntries.toLocaleString('en')} cached: rss ${m.cached.rssMiB} MiB heap ${m.cached.heapUsedMiB} MiB; ${flush}`);
}
for (const p of propagation) {
  log(`\n${p.mode}: ${p.revocations} revocations on A            p50 ms     p99 ms`);
  for (const [label, l] of [
    ['until B answers REVOKED', p.untilRevokedOnB],
    ['until C answers REVOKED', p.untilRevokedOnC],
    ['revoke response, B and C live', p.revokeResponse],
    ['revoke response, A alone', p.revokeResponseAlone],
  ] as const) {
    log(`  ${pad(label, 40)}${num(l.p50Ms)}  ${num(l.p99Ms)}`);
  }
  log(`  added by waiting for acknowledgements (p50): ${p.addedP50Ms} ms`);
}
if (oauth) {
  log(`\nOAuth (${oauth.connections} conns, ${oauth.durationSeconds} s per run, one SQLite process):`);
  for (const [label, r] of [
    ['client_credentials issuance', oauth.issuance],
    ['verify an API key', oauth.verifyApiKey],
    ['verify an OAuth access token', oauth.verifyOAuthToken],
  ] as const) {
    log(`  ${pad(label, 30)}${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  ${r.serverCpuMicrosPerRequest.toFixed(1).padStart(7)} µs CPU/req  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms`);
  }
  log(`  OAuth token / API key verify req/s: ${oauth.ratio.toFixed(3)}`);
}
for (const f of flush) log(`\n${f.database}: usage flush of ${f.keys.toLocaleString('en')} keys (seeded in ${f.seedSeconds} s): ${f.flush.seconds} s (${f.flush.stored} of 100 sampled keys have their count stored)`);
log('\nGoals:');
for (const g of goals) log(`  ${g.met ? 'MET   ' : 'MISSED'} ${pad(g.name, 42)} goal ${pad(g.goal, 10)} measured ${g.measured}`);
for (const note of notes) log(`note: ${note}`);

const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify(results, null, 2)}\n`;
const stamp = started.toISOString().replace(/[:.]/g, '-');
// A smoke run never replaces latest.json: that file holds the last real measurement.
const file = `${stamp}${quick ? '-quick' : ''}.json`;
writeFileSync(`${dir}${file}`, json);
if (!quick) writeFileSync(`${dir}latest.json`, json);
log(`\nwrote bench/results/${file}${quick ? '' : ' and bench/results/latest.json'} (${results.totalSeconds} s in all)`);
