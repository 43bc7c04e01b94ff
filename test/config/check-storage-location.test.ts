import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkStorageLocation } from '../../src/config/check-storage-location.js';
import { ConfigError } from '../../src/config/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-datadir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refusal(location: { dataDir: string; databaseUrl?: string }, variable = 'LATCHKEY_DATA_DIR'): string {
  try {
    checkStorageLocation({ databaseUrl: undefined, ...location });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.variable, variable);
    assert.ok(!error.message.includes('\n'));
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(location)}`);
}

describe('checkStorageLocation', () => {
  test('an existing writable folder, and one that can be created, are accepted; nothing is created yet', () => {
    checkStorageLocation({ databaseUrl: undefined, dataDir: dir });
    checkStorageLocation({ databaseUrl: undefined, dataDir: join(dir, 'a', 'b', 'c') });
    assert.equal(existsSync(join(dir, 'a')), false);
  });

  test('kernel file systems are refused before anything touches them, through symlinks too', () => {
    assert.match(refusal({ dataDir: '/proc/latchkey' }), /^Invalid LATCHKEY_DATA_DIR="\/proc\/latchkey": is under \/proc\. Accepted: /);
    assert.match(refusal({ dataDir: '/proc' }), /is under \/proc/);
    assert.match(refusal({ dataDir: '/sys/fs/latchkey' }), /is under \/sys/);
    assert.match(refusal({ dataDir: '/dev/shm/x' }), /is under \/dev/);
    symlinkSync('/proc/self', join(dir, 'to-proc'));
    assert.match(refusal({ dataDir: join(dir, 'to-proc', 'data') }), /is under \/proc/);
  });

  test('a file in the way is refused', () => {
    const path = join(dir, 'a-file');
    writeFileSync(path, 'x');
    assert.match(refusal({ dataDir: path }), /is not a folder/);
    assert.match(refusal({ dataDir: join(path, 'data') }), /cannot be created: .*a-file is not a folder/);
  });

  test('a folder this user cannot write is refused', { skip: process.getuid?.() === 0 ? 'root may write anywhere (the process test runs this as nobody)' : false }, () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    chmodSync(locked, 0o500);
    assert.match(refusal({ dataDir: locked }), /is not writable by this user/);
    assert.match(refusal({ dataDir: join(locked, 'data') }), /cannot be created: .* is not writable/);
  });

  test('a sqlite: DATABASE_URL has its folder checked under that name; PostgreSQL and memory need none', () => {
    assert.match(refusal({ dataDir: dir, databaseUrl: 'sqlite:/proc/x/latchkey.sqlite' }, 'DATABASE_URL'), /is under \/proc/);
    checkStorageLocation({ dataDir: '/proc/ignored', databaseUrl: 'postgres://db/latchkey' });
    checkStorageLocation({ dataDir: '/proc/ignored', databaseUrl: 'sqlite::memory:' });
    checkStorageLocation({ dataDir: '/proc/ignored', databaseUrl: `sqlite:${join(dir, 'new', 'x.sqlite')}` });
  });
});
