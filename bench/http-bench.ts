import { fork, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { round } from './stats.js';
import type { ServerMode, ServerReady } from './http-server-child.js';

export interface HttpRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** User + system CPU the server process spent per request during the measured run. */
  serverCpuMicrosPerRequest: number;
}

export interface HttpBenchResult {
  connections: number;
  durationSeconds: number;
  pipelining: number;
  /** How many distinct keys the requests rotate over. */
  rotatedKeys: number;
  bare: HttpRun;
  minimal: HttpRun;
  /** The minimal server plus caller authentication and a request line: the unavoidable work (http-server-child.ts). */
  floor: HttpRun;
  latchkey: HttpRun;
  /** Latchkey's req/s over the bare server's (goal >= 0.8). */
  ratio: number;
  /** The bare server's CPU per request over Latchkey's: what the ratio would be if the server alone were the limit. */
  cpuRatio: number;
  /** Latchkey's server CPU per request over the minimal verify server's (goal <= 1.25). */
  cpuVsMinimal: number;
  /** Latchkey's server CPU per request over the floor server's: what Latchkey's own code adds. */
  cpuVsFloor: number;
  /** The floor server's CPU per request over the minimal one's: what the unavoidable extra work costs. */
  floorVsMinimal: number;
  /** Latchkey's req/s over the minimal verify server's. */
  ratioVsMinimal: number;
  /** Bytes Latchkey logged per request at the default level, so a run that logged nothing is visible. */
  latchkeyLogBytesPerRequest: number;
}

export interface Server {
  ready: ServerReady;
  cpuMicros: () => Promise<number>;
  stop: () => Promise<void>;
}

/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the Latchkey server child there (open it in Chrome DevTools). */
function execArgvFor(mode: ServerMode): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return ['--import', 'tsx', ...(mode === 'latchkey' && dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])];
}

export async function startServer(mode: ServerMode, stdout: number | 'inherit' | 'ignore'): Promise<Server> {
  const child = fork(new URL('./http-server-child.ts', import.meta.url).pathname, [mode], { execArgv: execArgvFor(mode), stdio: ['ignore', stdout, 'inherit', 'ipc'] });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ServerReady));
    child.once('exit', (code) => reject(new Error(`${mode} server exited early with code ${code}`)));
  });
  return {
    ready,
    cpuMicros: () =>
      new Promise((resolve) => {
        child.once('message', (usage) => resolve((usage as NodeJS.CpuUsage).user + (usage as NodeJS.CpuUsage).system));
        child.send('cpu');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

function headersOf(ready: ServerReady): Record<string, string> {
  return { 'content-type': 'application/json', ...(ready.callerKey ? { authorization: `Bearer ${ready.callerKey}` } : {}) };
}

async function load(server: Server, connections: number, duration: number, pipelining: number): Promise<HttpRun> {
  const { ready } = server;
  const bodies = ready.verifyKeys.map((key) => JSON.stringify({ key }));
  let next = 0;
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${ready.port}`,
    connections,
    duration,
    pipelining,
    requests: [
      {
        method: 'POST',
        path: '/v1/keys/verify',
        headers: headersOf(ready),
        // Keys rotate, so a server cannot answer from a one-entry cache.
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
      },
    ],
  });
  return httpRunOf(result, (await server.cpuMicros()) - cpuBefore);
}

/** One measured run: autocannon's result and the server CPU it took, in microseconds. */
export function httpRunOf(result: Awaited<ReturnType<typeof autocannon>>, cpuMicros: number): HttpRun {
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpuMicrosPerRequest: round(cpuMicros / Math.max(1, result.requests.total), 1),
  };
}

/** A benchmark of error responses would look fast; make sure every verification really succeeds. */
async function checkAnswers(mode: ServerMode, ready: ServerReady): Promise<void> {
  const sample = mode === 'bare' ? ready.verifyKeys.slice(0, 1) : ready.verifyKeys;
  for (const key of sample) {
    const response = await fetch(`http://127.0.0.1:${ready.port}/v1/keys/verify`, { method: 'POST', headers: headersOf(ready), body: JSON.stringify({ key }) });
    const body = (await response.json()) as { valid?: boolean };
    if (response.status !== 200 || body.valid !== true) throw new Error(`${mode}: verification did not succeed: ${response.status} ${JSON.stringify(body)}`);
  }
}

/** The compiled server the Latchkey child runs (http-server-child.ts), built from the sources being measured. */
function buildServer(): void {
  const root = new URL('..', import.meta.url).pathname;
  const built = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('bench: building the server (tsc -p tsconfig.build.json) failed');
}

/**
 * The same load against the bare server, the minimal verify server, the floor server and Latchkey, one server at a time so they never
 * compete for a core. A short unmeasured run first lets the JIT settle; checking every key beforehand fills
 * Latchkey's verification cache.
 */
export async function benchHttp(o: { connections: number; durationSeconds: number; warmupSeconds: number; pipelining: number }): Promise<HttpBenchResult> {
  if (process.env.BENCH_FROM_SOURCE !== '1') buildServer();
  const runs: Record<ServerMode, HttpRun> = {} as never;
  const logDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-log-'));
  const logFile = join(logDir, 'latchkey.log');
  let logBytes = 0;
  let rotatedKeys = 0;
  try {
    for (const mode of ['bare', 'minimal', 'floor', 'latchkey'] as const) {
      const fd = openSync(logFile, 'w');
      const server = await startServer(mode, mode === 'latchkey' || mode === 'floor' ? fd : 'inherit');
      try {
        rotatedKeys = server.ready.verifyKeys.length;
        await checkAnswers(mode, server.ready);
        await load(server, o.connections, o.warmupSeconds, o.pipelining);
        const before = readFileSync(logFile).length;
        runs[mode] = await load(server, o.connections, o.durationSeconds, o.pipelining);
        if (mode === 'latchkey') logBytes = readFileSync(logFile).length - before;
      } finally {
        await server.stop();
        closeSync(fd);
      }
    }
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  return {
    connections: o.connections,
    durationSeconds: o.durationSeconds,
    pipelining: o.pipelining,
    rotatedKeys,
    bare: runs.bare,
    minimal: runs.minimal,
    floor: runs.floor,
    latchkey: runs.latchkey,
    ratio: round(runs.latchkey.requestsPerSecond / runs.bare.requestsPerSecond, 3),
    cpuRatio: round(runs.bare.serverCpuMicrosPerRequest / runs.latchkey.serverCpuMicrosPerRequest, 3),
    cpuVsMinimal: round(runs.latchkey.serverCpuMicrosPerRequest / runs.minimal.serverCpuMicrosPerRequest, 3),
    cpuVsFloor: round(runs.latchkey.serverCpuMicrosPerRequest / runs.floor.serverCpuMicrosPerRequest, 3),
    floorVsMinimal: round(runs.floor.serverCpuMicrosPerRequest / runs.minimal.serverCpuMicrosPerRequest, 3),
    ratioVsMinimal: round(runs.latchkey.requestsPerSecond / runs.minimal.requestsPerSecond, 3),
    latchkeyLogBytesPerRequest: round(logBytes / Math.max(1, runs.latchkey.requests), 1),
  };
}
