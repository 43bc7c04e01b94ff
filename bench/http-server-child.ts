import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Latchkey as production runs it: the compiled build in dist/ (http-bench.ts builds it first), not the sources
 * through tsx, whose transform (esbuild's keepNames wraps every function it defines with a naming call) cost
 * about a quarter of a verification's CPU. BENCH_FROM_SOURCE=1 measures the sources instead.
 */
const code = process.env.BENCH_FROM_SOURCE === '1' ? '../src' : '../dist';
const { loadConfig } = (await import(`${code}/config/load-config.js`)) as typeof import('../src/config/load-config.js');
const { DEFAULT_TOKEN_FORMAT, generateToken } = (await import(`${code}/domain/token-format.js`)) as typeof import('../src/domain/token-format.js');
const { buildApp } = (await import(`${code}/server/build-app.js`)) as typeof import('../src/server/build-app.js');
const { createLatchkey } = (await import(`${code}/services/create-latchkey.js`)) as typeof import('../src/services/create-latchkey.js');
const { openStorage } = (await import(`${code}/storage/open-storage.js`)) as typeof import('../src/storage/open-storage.js');

/**
 * A server for the HTTP benchmark, in its own process so the load generator never shares its event loop.
 * `bare` is the floor: node:http answering one fixed JSON body. `minimal` is the least a verification server can
 * do: read the body, JSON.parse it, SHA-256 the key, look the digest up in a Map, answer JSON. `floor` adds what
 * Latchkey may not drop (see floor() below). `latchkey` is the
 * real app on SQLite, started as main.ts starts it, logging at the default level to its stdout (which the parent
 * points at a file, as production does). Each tells the parent its port, a caller key and the keys to verify.
 */
export interface ServerReady {
  port: number;
  callerKey: string;
  verifyKeys: string[];
  /** `oauth` mode: OAuth access tokens (client credentials) to verify beside the keys, and the credential itself. */
  oauthTokens?: string[];
  client?: { clientId: string; clientSecret: string };
}

export type ServerMode = 'bare' | 'minimal' | 'floor' | 'latchkey' | 'oauth';

const KEYS = Number(process.env.BENCH_HTTP_KEYS ?? 1000);
const FIXED = JSON.stringify({ valid: true, code: 'VALID', keyId: 'key_00000000000000000000', permissions: ['orders:read'] });

function portOf(server: { address(): unknown }): number {
  const address = server.address() as { port?: number } | null;
  return address?.port ?? 0;
}

async function bare(): Promise<ServerReady> {
  const server = createServer((request, response) => {
    // Reads the body like any real handler must before answering.
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(FIXED) });
      response.end(FIXED);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Real tokens as the bodies, so every server receives requests of the same size.
  return { port: portOf(server), callerKey: '', verifyKeys: Array.from({ length: KEYS }, () => generateToken(DEFAULT_TOKEN_FORMAT, 'live')) };
}

async function minimal(): Promise<ServerReady> {
  const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
  const keys = Array.from({ length: KEYS }, () => generateToken(DEFAULT_TOKEN_FORMAT, 'live'));
  const stored = new Map(keys.map((key, i) => [digest(key), { id: `key_${String(i).padStart(20, '0')}`, permissions: ['orders:read'] }]));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let status = 200;
      let payload: unknown;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: unknown };
        const found = typeof body.key === 'string' ? stored.get(digest(body.key)) : undefined;
        payload = found ? { valid: true, code: 'VALID', keyId: found.id, permissions: found.permissions } : { valid: false, code: 'NOT_FOUND' };
      } catch {
        status = 400;
        payload = { error: 'malformed' };
      }
      const text = JSON.stringify(payload);
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: portOf(server), callerKey: '', verifyKeys: keys };
}

async function latchkey(withOAuth = false): Promise<ServerReady> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-http-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // The default log level (info), as production runs; only the API rate limit is off, the load is one caller.
  const config = loadConfig({ LATCHKEY_API_RATE_LIMIT: 'off', LATCHKEY_DATA_DIR: dir });
  const storage = openStorage({ databaseUrl: undefined, dataDir: config.dataDir });
  await storage.migrate();
  const lk = createLatchkey(config, storage);
  const app = await buildApp(lk);
  await lk.start();
  const setup = await lk.setup.initialize({ organizationName: 'Bench', email: 'bench@example.test', password: 'bench password 123' });
  const caller = await lk.authenticator.fromKey(setup.ownerKey.secret, null);
  const verifyKeys: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const created = await lk.keys.create(caller, { name: `verified-${i}`, permissions: ['latchkey:keys:read'] }, { ip: null, requestId: null });
    verifyKeys.push(created.secret);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (!withOAuth) return { port: portOf(app.server), callerKey: setup.ownerKey.secret, verifyKeys };
  // The owner's per-user client credential (seed 003): as many access tokens as keys, issued as the endpoint does.
  const credential = await lk.oauth.createUserCredential(caller, setup.userId, { ip: null, requestId: null });
  const oauthTokens: string[] = [];
  for (let i = 0; i < KEYS; i++) oauthTokens.push((await lk.oauth.clientCredentials(credential.app, {})).access_token);
  return { port: portOf(app.server), callerKey: setup.ownerKey.secret, verifyKeys, oauthTokens, client: { clientId: credential.app.clientId, clientSecret: credential.clientSecret } };
}

/**
 * `floor` is the least a verification server can do that keeps what Latchkey must keep on every call (issue 8):
 * the minimal server plus the caller's authentication (its header, a SHA-256 and a Map lookup, a permission
 * check), a tenant check, the answer with the same fields as Latchkey's, a request id, and one request line a
 * request, gathered and written in 4 KB blocks. What separates Latchkey from it is Latchkey's own code.
 */
async function floor(): Promise<ServerReady> {
  const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
  const keys = Array.from({ length: KEYS }, () => generateToken(DEFAULT_TOKEN_FORMAT, 'live'));
  const callerKey = generateToken(DEFAULT_TOKEN_FORMAT, 'live');
  const callers = new Map([[digest(callerKey), { id: 'key_caller0000000000000', orgId: 'org_000000000000000000', permissions: new Set(['latchkey:keys:verify']) }]]);
  const stored = new Map(keys.map((key, i) => [digest(key), { id: `key_${String(i).padStart(20, '0')}`, orgId: 'org_000000000000000000', ownerUserId: null, tokenType: 'live', name: `verified-${i}`, permissions: ['latchkey:keys:read'], projectIds: null, metadata: {}, expiresAt: null, revokedAt: null, disabled: false }]));
  let lines: string[] = [];
  let size = 0;
  const flush = () => { if (lines.length) { writeSync(1, lines.join('')); lines = []; size = 0; } };
  setInterval(flush, 100).unref();
  let n = 0;
  const pid = process.pid;
  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const auth = request.headers.authorization;
      const caller = auth && auth.startsWith('Bearer ') ? callers.get(digest(auth.slice(7))) : undefined;
      let status = 200;
      let payload: unknown;
      if (!caller || !caller.permissions.has('latchkey:keys:verify')) { status = 401; payload = { error: 'unauthorized' }; }
      else {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: unknown };
        const k = typeof body.key === 'string' ? stored.get(digest(body.key)) : undefined;
        payload = k && k.orgId === caller.orgId && !k.revokedAt && !k.disabled
          ? { valid: true, code: 'VALID', keyId: k.id, orgId: k.orgId, ownerUserId: k.ownerUserId, environment: k.tokenType, name: k.name, permissions: k.permissions, projectIds: k.projectIds, metadata: k.metadata, expiresAt: k.expiresAt, rateLimit: null, credits: null }
          : { valid: false, code: 'NOT_FOUND' };
      }
      const text = JSON.stringify(payload);
      const id = `req-${++n}`;
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-request-id': id });
      response.end(text);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = `{"level":30,"time":${Date.now()},"pid":${pid},"hostname":"h","reqId":"${id}","req":{"method":"POST","path":${JSON.stringify(request.url)},"ip":${JSON.stringify(request.socket.remoteAddress)}},"res":{"statusCode":${status}},"responseTime":${ms},"credential":{"kind":"org_key","keyId":"${caller?.id}"},"msg":"request completed"}\n`;
      lines.push(line);
      size += line.length;
      if (size >= 4096) flush();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: portOf(server), callerKey, verifyKeys: keys };
}

const mode = process.argv[2] as ServerMode;
const ready =
  mode === 'bare' ? await bare() : mode === 'minimal' ? await minimal() : mode === 'floor' ? await floor() : await latchkey(mode === 'oauth');
process.send?.(ready);
// The parent asks for CPU time around the measured run: CPU per request does not depend on how busy the machine was.
process.on('message', () => process.send?.(process.cpuUsage()));
process.on('disconnect', () => process.exit(0));
