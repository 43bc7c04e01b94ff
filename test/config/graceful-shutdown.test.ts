import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startLatchkey } from '../helpers/latchkey-process.js';

const root = new URL('../..', import.meta.url).pathname;

describe('a real server stopped with SIGTERM (close-with-grace)', () => {
  test('finishes the verifications it took, flushes their usage, removes its heartbeat, closes storage, exits 0', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-shutdown-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    // A flush interval far beyond the test: only the flush at shutdown can write the counts.
    const env = { ...process.env, LATCHKEY_DATA_DIR: dataDir, LATCHKEY_USAGE_FLUSH_MS: '60000', LOG_LEVEL: 'info', LATCHKEY_DASHBOARD_DIR: join(dataDir, 'none') };
    const init = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'init', '--org', 'Acme', '--email', 'owner@acme.test'], {
      cwd: root,
      env: { ...env, LATCHKEY_OWNER_PASSWORD: 'correct horse battery staple' },
      encoding: 'utf8',
    });
    assert.equal(init.status, 0, init.stderr);
    const ownerKey = /lk_live_[A-Za-z0-9]+/.exec(init.stdout)![0];

    const server = await startLatchkey({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_USAGE_FLUSH_MS: '60000', LOG_LEVEL: 'info', LATCHKEY_DASHBOARD_DIR: join(dataDir, 'none') });
    t.after(() => server.child.kill('SIGKILL'));

    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/v1/keys/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key: ownerKey }),
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { code: string }).code, 'VALID');
    }
    assert.equal(await server.stop(), 0, server.output());
    assert.match(server.output(), /"signal":"SIGTERM".*shutting down/);

    const db = new Database(join(dataDir, 'latchkey.sqlite'), { readonly: true });
    t.after(() => db.close());
    // The owner key was both the caller (API) and the key verified (VALID).
    assert.deepEqual(db.prepare('select code, sum(count) as n from key_usage group by code order by code').all(), [{ code: 'API', n: 3 }, { code: 'VALID', n: 3 }]);
    assert.equal((db.prepare('select count(*) as n from key_last_used where last_used_at is not null').get() as { n: number }).n, 1);
    assert.deepEqual(db.prepare('select * from instance_heartbeats').all(), []);
  });
});
