import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../src/domain/token-format.js';
import { buildApp } from '../src/server/build-app.js';
import { createLatchkey } from '../src/services/create-latchkey.js';
import { openStorage } from '../src/storage/open-storage.js';

/**
 * A server for the HTTP benchmark, in its own process so the load generator never shares its event loop.
 * `bare` is the floor: node:http answering one fixed JSON body. `latchkey` is the real app on SQLite, started
 * as main.ts starts it. Each tells the parent its port and, for Latchkey, a caller key and a key to verify.
 */
export interface ServerReady {
  port: number;
  callerKey: string;
  verifyKey: string;
}

const FIXED = JSON.stringify({ valid: true, code: 'VALID', keyId: 'key_00000000000000000000', permissions: ['orders:read'] });

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
  const address = server.address();
  // A real token as the body, so both servers receive requests of the same size.
  return { port: typeof address === 'object' && address ? address.port : 0, callerKey: '', verifyKey: generateToken(DEFAULT_TOKEN_FORMAT, 'live') };
}

async function latchkey(): Promise<ServerReady> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-http-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_API_RATE_LIMIT: 'off', LATCHKEY_DATA_DIR: dir });
  const storage = openStorage({ databaseUrl: undefined, dataDir: config.dataDir });
  await storage.migrate();
  const lk = createLatchkey(config, storage);
  const app = await buildApp(lk);
  await lk.start();
  const setup = await lk.setup.initialize({ organizationName: 'Bench', email: 'bench@example.test', password: 'bench password 123' });
  const caller = await lk.authenticator.fromKey(setup.ownerKey.secret, null);
  const verified = await lk.keys.create(caller, { name: 'verified', permissions: ['latchkey:keys:read'] }, { ip: null, requestId: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, callerKey: setup.ownerKey.secret, verifyKey: verified.secret };
}

const mode = process.argv[2];
const ready = mode === 'bare' ? await bare() : await latchkey();
process.send?.(ready);
// The parent asks for CPU time around the measured run: CPU per request does not depend on how busy the machine was.
process.on('message', () => process.send?.(process.cpuUsage()));
process.on('disconnect', () => process.exit(0));
