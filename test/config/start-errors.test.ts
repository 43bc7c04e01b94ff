import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
// Readable by `nobody`, for the unwritable-folder case run as that user.
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Starts the real server as `npm start` would (from source), with only the given environment. */
function start(env: Record<string, string>, options: { uid?: number; gid?: number } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', LATCHKEY_DATA_DIR: join(dir, 'data'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A bad data folder used to hang the start: a refusal must come well before this.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

function assertRefused(exit: Exit, variable: string, detail: RegExp): void {
  assert.equal(exit.code, 1, `exit code; stderr: ${exit.stderr}`);
  const lines = exit.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${exit.stderr}`);
  assert.ok(lines[0]!.startsWith(`Invalid ${variable}=`), lines[0]);
  assert.match(lines[0]!, / Accepted: /);
  assert.match(lines[0]!, detail);
  assert.equal(exit.stdout, '', 'nothing started, nothing logged');
}

describe('a real start with a bad setting exits 1 with one line naming the variable', () => {
  test('the mistakes a new user makes', async () => {
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:\/\//],
      [{ DATABASE_URL: 'garbage' }, 'DATABASE_URL', /sqlite:/],
      [{ LATCHKEY_COOKIE_SECURE: 'yes' }, 'LATCHKEY_COOKIE_SECURE', /true, false, 1 or 0/],
      [{ LATCHKEY_PERMISSIONS_FILE: join(dir, 'missing.json') }, 'LATCHKEY_PERMISSIONS_FILE', /cannot be read \(ENOENT\)/],
      [{ LATCHKEY_TRUST_PROXY: 'yes' }, 'LATCHKEY_TRUST_PROXY', /"yes" is not an address or range/],
      [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /trace, debug, info, warn, error, fatal, silent/],
      [{ PORT: '80.5' }, 'PORT', /between 0 and 65535/],
      [{ LATCHKEY_DATA_DIR: '/proc/latchkey' }, 'LATCHKEY_DATA_DIR', /is under \/proc/],
      [{ LATCHKEY_DATA_DIR: join(aFile, 'data') }, 'LATCHKEY_DATA_DIR', /a-file is not a folder/],
      [{ DATABASE_URL: 'sqlite:/sys/latchkey.sqlite' }, 'DATABASE_URL', /is under \/sys/],
    ];
    // Two at a time: the machine is shared, and each start is a real process.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const exits = await Promise.all(batch.map(([env]) => start(env)));
      exits.forEach((exit, j) => assertRefused(exit, batch[j]![1], batch[j]![2]));
    }
  });

  // As root every folder is writable, so the server runs as `nobody` (65534) there, if nobody can read this tree.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: root, env: { PATH: process.env.PATH ?? '' }, ...asNobody });
  // A spawn that cannot even start (the node binary out of nobody's reach) has an error and no stderr.
  const why = probe.error ? probe.error.message : String(probe.stderr ?? '').split('\n')[0];
  const skip = probe.status === 0 ? false : `nobody cannot run this checkout (${why})`;

  test('a data folder this user cannot write', { skip }, async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    assertRefused(await start({ LATCHKEY_DATA_DIR: locked }, asNobody), 'LATCHKEY_DATA_DIR', /is not writable by this user/);
    assertRefused(await start({ LATCHKEY_DATA_DIR: join(locked, 'data') }, asNobody), 'LATCHKEY_DATA_DIR', /cannot be created: .*locked is not writable/);
  });
});
