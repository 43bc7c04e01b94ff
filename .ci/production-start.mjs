// CI: the production start from a folder holding only the build and production dependencies. Starts
// `node dist/main.js` on a free port with a fresh data folder, waits for /readyz, checks the dashboard's HTML and
// the API (first-run setup, whoami, a verification), stops it with SIGTERM (exit code 0 expected), then runs the
// built CLI against the same data. Plain JavaScript on node's built-ins: nothing from the dev tree is needed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node .ci/production-start.mjs <folder with dist/ and production node_modules>');
const node = process.execPath;
const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-prod-data-'));
// Only what a deployment sets: no NODE_OPTIONS, no tsx, nothing inherited from the dev shell.
const env = { PATH: process.env.PATH, HOME: dataDir, PORT: String(port), HOST: '127.0.0.1', LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
const base = `http://127.0.0.1:${port}`;

function fail(message) {
  console.error(`production start: ${message}`);
  process.exit(1);
}

const server = spawn(node, ['dist/main.js'], { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
const deadline = Date.now() + 60_000;
for (;;) {
  if (server.exitCode !== null) fail(`the server exited with ${server.exitCode} before it was ready`);
  if (Date.now() > deadline) {
    server.kill('SIGKILL');
    fail('/readyz did not answer 200 within 60 s');
  }
  const ready = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
  if (ready === 200) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

async function call(method, path, key, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

try {
  const page = await call('GET', '/');
  if (page.status !== 200 || !page.type.startsWith('text/html') || !page.text.includes('<div id="root">')) fail(`GET / gave ${page.status} ${page.type}: not the dashboard`);
  const setup = await call('POST', '/v1/setup', null, { organizationName: 'CI', email: 'owner@ci.test', password: 'correct horse battery staple' });
  if (setup.status !== 201) fail(`POST /v1/setup gave ${setup.status}: ${setup.text}`);
  const ownerKey = JSON.parse(setup.text).ownerKey.secret;
  const whoami = await call('GET', '/v1/whoami', ownerKey);
  if (whoami.status !== 200) fail(`GET /v1/whoami gave ${whoami.status}: ${whoami.text}`);
  const verify = await call('POST', '/v1/keys/verify', ownerKey, { key: ownerKey });
  if (verify.status !== 200 || JSON.parse(verify.text).valid !== true) fail(`POST /v1/keys/verify gave ${verify.status}: ${verify.text}`);
  console.log(`production start: dashboard HTML, setup, whoami and verify answered on :${port}`);
} catch (error) {
  server.kill('SIGKILL');
  throw error;
}

server.kill('SIGTERM');
const { code, signal } = await exited;
if (code !== 0) fail(`SIGTERM ended the server with code ${code} (signal ${signal}), not 0`);
console.log('production start: SIGTERM stopped the server with exit code 0');

const cli = spawnSync(node, ['dist/cli/main.js', 'migrate'], { cwd: dir, env, encoding: 'utf8' });
if (cli.status !== 0 || !cli.stdout.includes('Already up to date.')) fail(`node dist/cli/main.js migrate gave ${cli.status}: ${cli.stdout}${cli.stderr}`);
console.log('production start: node dist/cli/main.js migrate: already up to date');
