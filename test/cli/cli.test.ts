import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
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

describe('latchkey CLI init is one transaction', () => {
  it('a failure while inserting the owner key leaves the instance uninitialized, and init can be run again', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_OWNER_PASSWORD: 'correct horse battery staple' };
    assert.equal(cli(['migrate'], env).status, 0);
    // A real failure from the database itself, part-way through: the owner key's insert is refused.
    const db = new Database(join(dataDir, 'latchkey.sqlite'));
    db.exec(`create trigger refuse_keys before insert on api_keys begin select raise(abort, 'injected failure'); end`);
    db.close();

    const failed = cli(['init', '--org', 'Acme', '--email', 'owner@acme.test'], env);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /injected failure/);
    assert.doesNotMatch(failed.stdout, /lk_live_/);
    const storage = openStorage({ dataDir });
    assert.equal(await storage.repos.organizations.count(), 0);
    assert.equal(await storage.repos.users.findByEmail('owner@acme.test'), null);
    await storage.close();

    const fix = new Database(join(dataDir, 'latchkey.sqlite'));
    fix.exec('drop trigger refuse_keys');
    fix.close();
    const retried = cli(['init', '--org', 'Acme', '--email', 'owner@acme.test'], env);
    assert.equal(retried.status, 0, retried.stderr);
    assert.equal((retried.stdout.match(/lk_live_[A-Za-z0-9]{38}/g) ?? []).length, 1);
    const after = openStorage({ dataDir });
    t.after(() => after.close());
    assert.equal(await after.repos.organizations.count(), 1);
  });
});
