import autocannon from 'autocannon';
import { type HttpRun, httpRunOf, type Server, startServer } from './http-bench.js';
import { round } from './stats.js';

type Request = NonNullable<Parameters<typeof autocannon>[0]['requests']>[number];

export interface OAuthBenchResult {
  connections: number;
  durationSeconds: number;
  /** POST /oauth/token, grant_type=client_credentials, client_secret_basic: a new access token per request. */
  issuance: HttpRun;
  /** POST /v1/keys/verify of API keys and of OAuth access tokens, in the same server process, one after the other. */
  verifyApiKey: HttpRun;
  verifyOAuthToken: HttpRun;
  /** OAuth token verification req/s over API key verification req/s (goal >= 0.95). */
  ratio: number;
}

async function run(server: Server, connections: number, duration: number, request: Request): Promise<HttpRun> {
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({ url: `http://127.0.0.1:${server.ready.port}`, connections, duration, requests: [request] });
  return httpRunOf(result, (await server.cpuMicros()) - cpuBefore);
}

function verifyRequest(callerKey: string, keys: string[]): Request {
  const bodies = keys.map((key) => JSON.stringify({ key }));
  let next = 0;
  return {
    method: 'POST',
    path: '/v1/keys/verify',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${callerKey}` },
    setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
  };
}

async function checkValid(port: number, callerKey: string, keys: string[]): Promise<void> {
  for (const key of keys) {
    const response = await fetch(`http://127.0.0.1:${port}/v1/keys/verify`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${callerKey}` }, body: JSON.stringify({ key }) });
    const body = (await response.json()) as { valid?: boolean };
    if (response.status !== 200 || body.valid !== true) throw new Error(`oauth bench: verification did not succeed: ${response.status} ${JSON.stringify(body)}`);
  }
}

/**
 * BENCH_ONLY=oauth: one Latchkey process on SQLite holding API keys and as many OAuth access tokens. Verification
 * of each kind runs against the same warm process (the cache filled by checking every credential first), API keys
 * then OAuth tokens then API keys again, and the ratio takes the mean of the two API-key runs so a drift of the
 * shared machine during the run does not land on one side. Issuance runs last, since it grows the database.
 */
export async function benchOAuth(o: { connections: number; durationSeconds: number; warmupSeconds: number }): Promise<OAuthBenchResult> {
  const server = await startServer('oauth', 'ignore');
  try {
    const { ready } = server;
    const tokens = ready.oauthTokens!;
    await checkValid(ready.port, ready.callerKey, ready.verifyKeys);
    await checkValid(ready.port, ready.callerKey, tokens);
    const keys = verifyRequest(ready.callerKey, ready.verifyKeys);
    const oauth = verifyRequest(ready.callerKey, tokens);
    await run(server, o.connections, o.warmupSeconds, keys);
    await run(server, o.connections, o.warmupSeconds, oauth);
    const keysA = await run(server, o.connections, o.durationSeconds, keys);
    const verifyOAuthToken = await run(server, o.connections, o.durationSeconds, oauth);
    const keysB = await run(server, o.connections, o.durationSeconds, keys);
    const verifyApiKey: HttpRun = {
      requestsPerSecond: round((keysA.requestsPerSecond + keysB.requestsPerSecond) / 2, 1),
      p50Ms: Math.max(keysA.p50Ms, keysB.p50Ms),
      p99Ms: Math.max(keysA.p99Ms, keysB.p99Ms),
      requests: keysA.requests + keysB.requests,
      non2xx: keysA.non2xx + keysB.non2xx,
      errors: keysA.errors + keysB.errors,
      serverCpuMicrosPerRequest: round((keysA.serverCpuMicrosPerRequest + keysB.serverCpuMicrosPerRequest) / 2, 1),
    };
    const { clientId, clientSecret } = ready.client!;
    const issuance = await run(server, Math.min(o.connections, 10), o.durationSeconds, {
      method: 'POST',
      path: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    return { connections: o.connections, durationSeconds: o.durationSeconds, issuance, verifyApiKey, verifyOAuthToken, ratio: round(verifyOAuthToken.requestsPerSecond / verifyApiKey.requestsPerSecond, 3) };
  } finally {
    await server.stop();
  }
}
