import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import { round } from './stats.js';
import type { ServerReady } from './http-server-child.js';

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
  bare: HttpRun;
  latchkey: HttpRun;
  /** Latchkey's req/s over the bare server's. */
  ratio: number;
  /** The bare server's CPU per request over Latchkey's: what the ratio would be if the server alone were the limit. */
  cpuRatio: number;
}

interface Server {
  ready: ServerReady;
  cpuMicros: () => Promise<number>;
  stop: () => Promise<void>;
}

async function startServer(mode: 'bare' | 'latchkey'): Promise<Server> {
  const child = fork(new URL('./http-server-child.ts', import.meta.url).pathname, [mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

async function load(server: Server, connections: number, duration: number, pipelining: number): Promise<HttpRun> {
  const { ready } = server;
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${ready.port}/v1/keys/verify`,
    method: 'POST',
    connections,
    duration,
    pipelining,
    headers: { 'content-type': 'application/json', ...(ready.callerKey ? { authorization: `Bearer ${ready.callerKey}` } : {}) },
    body: JSON.stringify({ key: ready.verifyKey }),
  });
  const cpu = (await server.cpuMicros()) - cpuBefore;
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpuMicrosPerRequest: round(cpu / Math.max(1, result.requests.total), 1),
  };
}

/** A benchmark of error responses would look fast; make sure the verification really succeeds. */
async function checkAnswer(ready: ServerReady): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${ready.port}/v1/keys/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ready.callerKey ? { authorization: `Bearer ${ready.callerKey}` } : {}) },
    body: JSON.stringify({ key: ready.verifyKey }),
  });
  const body = (await response.json()) as { valid?: boolean };
  if (response.status !== 200 || body.valid !== true) throw new Error(`verification did not succeed: ${response.status} ${JSON.stringify(body)}`);
}

/**
 * The same load against the floor and against Latchkey, one server at a time so they never compete for a
 * core. A short unmeasured run first lets the JIT settle and fills Latchkey's verification cache.
 */
export async function benchHttp(o: { connections: number; durationSeconds: number; warmupSeconds: number; pipelining: number }): Promise<HttpBenchResult> {
  const runs: Record<'bare' | 'latchkey', HttpRun> = {} as never;
  for (const mode of ['bare', 'latchkey'] as const) {
    const server = await startServer(mode);
    try {
      await checkAnswer(server.ready);
      await load(server, o.connections, o.warmupSeconds, o.pipelining);
      runs[mode] = await load(server, o.connections, o.durationSeconds, o.pipelining);
    } finally {
      await server.stop();
    }
  }
  return {
    connections: o.connections,
    durationSeconds: o.durationSeconds,
    pipelining: o.pipelining,
    bare: runs.bare,
    latchkey: runs.latchkey,
    ratio: round(runs.latchkey.requestsPerSecond / runs.bare.requestsPerSecond, 3),
    cpuRatio: round(runs.bare.serverCpuMicrosPerRequest / runs.latchkey.serverCpuMicrosPerRequest, 3),
  };
}
