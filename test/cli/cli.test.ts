import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStorage } from '../../src/storage/open-storage.js';

const root = new URL('../..', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    input: input ?? '',
    encoding: 'utf8',
  });
}

describe('latchkey CLI (SQLite file in a temporary data dir)', () => {
  it('init creates the organization and owner, prints the owner key once, and refuses a second run', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_OWNER_PASSWORD: 'correct horse battery staple' };

    const first = cli(['init', '--org', 'Acme', '--email', 'owner@acme.test'], env);
    assert.equal(first.status, 0, first.stderr);
    const keys = first.stdout.match(/lk_live_[A-Za-z0-9]{38}/g) ?? [];
    assert.equal(keys.length, 1);

    const second = cli(['init', '--org', 'Other', '--email', 'x@y.test'], env);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /ALREADY_INITIALIZED/);
    assert.doesNotMatch(second.stdout, /lk_live_/);

    const storage = openStorage({ dataDir });
    t.after(() => storage.close());
    assert.equal(await storage.repos.organizations.count(), 1);
    assert.equal((await storage.repos.users.findByEmail('owner@acme.test'))?.name, '');
  });

  it('reads the password from standard input and rejects a short one', (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const short = cli(['init', '--org', 'Acme', '--email', 'owner@acme.test'], { LATCHKEY_DATA_DIR: dataDir }, 'short\n');
    assert.equal(short.status, 2);
    const ok = cli(['init', '--org', 'Acme', '--email', 'owner@acme.test'], { LATCHKEY_DATA_DIR: dataDir }, 'a long enough password\n');
    assert.equal(ok.status, 0, ok.stderr);
  });

  it('migrate applies migrations once, then reports up to date; unknown commands exit 2 with usage', (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = cli(['migrate'], { LATCHKEY_DATA_DIR: dataDir });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Applied: m001_initial/);
    assert.match(cli(['migrate'], { LATCHKEY_DATA_DIR: dataDir }).stdout, /Already up to date/);
    const unknown = cli(['frobnicate'], { LATCHKEY_DATA_DIR: dataDir });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Usage: latchkey/);
  });
});
