import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/server/build-app.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import type { BackgroundLog } from '../../src/ports/background-log.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';

/** A real app on a SQLite file, so a second connection (another process, in production) can lock it. */
async function fileApp(t: TestContext, env: Record<string, string> = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'lk-sqlite-'));
  const dataDir = join(folder, 'data');
  const config = loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_API_RATE_LIMIT: 'off', LATCHKEY_USAGE_FLUSH_MS: '60000', LATCHKEY_DB_BUSY_TIMEOUT_MS: '150', LATCHKEY_DATA_DIR: dataDir, ...env });
  const storage = openStorage({ dataDir: config.dataDir, timeouts: config.storageTimeouts });
  await storage.migrate();
  const logged: Array<{ level: string; details: Record<string, unknown>; message: string }> = [];
  const log: BackgroundLog = {
    warn: (details, message) => logged.push({ level: 'warn', details, message }),
    error: (details, message) => logged.push({ level: 'error', details, message }),
  };
  const latchkey = createLatchkey(config, storage, { log });
  const app = await buildApp(latchkey);
  const setup = await latchkey.setup.initialize({ organizationName: 'Acme', email: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'Olive Owner' });
  const file = join(dataDir, 'latchkey.sqlite');
  const other = new Database(file);
  t.after(async () => {
    if (other.inTransaction) other.exec('rollback');
    other.close();
    await app.close();
    await latchkey.stop();
    await storage.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const call = (method: string, url: string, secret: string | null, body?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const create = async (name: string) => {
    const response = await call('POST', '/v1/keys', setup.ownerKey.secret, { name, permissions: ['latchkey:keys:read'] });
    assert.equal(response.statusCode, 201);
    return response.json() as { id: string; secret: string };
  };
  return {
    app, latchkey, storage, call, create, logged, dataDir, file, orgId: setup.orgId, ownerKey: setup.ownerKey.secret,
    /** Another connection takes the write lock, as a backup tool or a second process would. */
    lock: () => other.exec('begin immediate'),
    unlock: () => other.exec('rollback'),
  };
}

function assertUnavailable(response: LightMyRequestResponse, what: string): void {
  assert.equal(response.statusCode, 503, `${what}: ${response.body}`);
  const body = response.json();
  assert.equal(body.error.code, 'STORAGE_UNAVAILABLE', what);
  assert.equal(body.error.requestId, response.headers['x-request-id'], what);
  assert.deepEqual(body.error.details, {});
  assert.equal(response.headers['retry-after'], '5', what);
}

describe('sqlite: storage faults', () => {
  it('a write lock held by another connection past the busy timeout answers 503 STORAGE_UNAVAILABLE with Retry-After, stores nothing, and recovers', async (t) => {
    const h = await fileApp(t);
    const victim = await h.create('victim');
    h.lock();
    assertUnavailable(await h.call('POST', '/v1/keys', h.ownerKey, { name: 'during-lock', permissions: ['latchkey:keys:read'] }), 'create');
    assertUnavailable(await h.call('POST', `/v1/keys/${victim.id}/revoke`, h.ownerKey), 'revoke');
    assertUnavailable(await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD }), 'sign-in');
    assert.ok(h.storage.health.failingSince > 0, 'storage knows it is failing');
    h.unlock();

    const list = await h.call('GET', '/v1/keys?limit=100', h.ownerKey);
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes('during-lock'), 'the refused creation stored nothing');
    assert.equal((await h.storage.repos.keys.findById(h.orgId, victim.id))?.revokedAt, null, 'the refused revocation changed nothing');
    assert.equal(h.storage.health.failingSince, 0, 'a query that succeeds ends the outage');
    assert.equal((await h.call('POST', '/v1/keys', h.ownerKey, { name: 'after-lock', permissions: ['latchkey:keys:read'] })).statusCode, 201);
    assert.equal((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD })).statusCode, 200);
  });

  it('usage counted while storage refuses writes is kept, merged with newer counts, and written once when it answers again', async (t) => {
    const h = await fileApp(t);
    const target = await h.create('target');
    const verify = () => h.call('POST', '/v1/keys/verify', h.ownerKey, { key: target.secret });
    assert.equal((await verify()).json().code, 'VALID');
    await h.latchkey.ctx.usage.flush();
    h.lock();
    for (let i = 0; i < 30; i++) assert.equal((await verify()).json().code, 'VALID');
    await h.latchkey.ctx.usage.flush();
    assert.ok(h.latchkey.ctx.usage.pendingRows > 0, 'the failed flush kept its rows');
    for (let i = 0; i < 20; i++) assert.equal((await verify()).json().code, 'VALID');
    await h.latchkey.ctx.usage.flush();
    assert.ok(h.logged.some((l) => l.message.startsWith('usage counts kept in memory')), 'the outage is logged once');
    h.unlock();
    await h.latchkey.ctx.usage.flush();
    assert.equal(h.latchkey.ctx.usage.pendingRows, 0);
    const series = await h.storage.repos.usage.series(h.orgId, target.id, 0);
    assert.deepEqual(series.map((p) => [p.code, p.count]), [['VALID', 51]]);
    const stored = await h.storage.repos.keys.findById(h.orgId, target.id);
    assert.ok(stored?.lastUsedAt, 'last-used time written after the outage');
  });

  it('keeps at most LATCHKEY_USAGE_BUFFER_MAX rows during an outage and logs what it drops', async (t) => {
    const h = await fileApp(t, { LATCHKEY_USAGE_BUFFER_MAX: '10' });
    const target = await h.create('target');
    const usage = h.latchkey.ctx.usage;
    await usage.flush();
    h.lock();
    const now = Date.now();
    for (let i = 0; i < 15; i++) usage.record(target.id, h.orgId, `CODE_${String(i).padStart(2, '0')}`, now, false);
    await usage.flush();
    assert.equal(usage.pendingRows, 10);
    await usage.flush();
    assert.deepEqual(
      h.logged.filter((l) => l.message.startsWith('usage counts dropped')).map((l) => l.details),
      [{ dropped: 5, max: 10 }],
    );
    h.unlock();
    await usage.flush();
    assert.equal((await h.storage.repos.usage.series(h.orgId, target.id, 0)).length, 10);
  });

  it('serves cached decisions for LATCHKEY_OUTAGE_GRACE_MS of an outage, then fails closed with 503, and serves again once storage answers', async (t) => {
    const h = await fileApp(t, { LATCHKEY_OUTAGE_GRACE_MS: '400' });
    const target = await h.create('target');
    const verify = () => h.call('POST', '/v1/keys/verify', h.ownerKey, { key: target.secret });
    assert.equal((await verify()).json().code, 'VALID');
    h.lock();
    await h.latchkey.ctx.usage.flush();
    const since = h.storage.health.failingSince;
    assert.ok(since > 0);
    if (Date.now() - since < 300) assert.equal((await verify()).json().code, 'VALID', 'within the grace the cached decision stands');
    await sleep(Math.max(0, since + 450 - Date.now()));
    assertUnavailable(await verify(), 'cached verification past the grace');
    h.unlock();
    await h.latchkey.ctx.usage.flush();
    assert.equal(h.storage.health.failingSince, 0);
    assert.equal((await verify()).json().code, 'VALID');
  });

  it('with LATCHKEY_OUTAGE_GRACE_MS=0 a cached key fails closed as soon as storage fails', async (t) => {
    const h = await fileApp(t, { LATCHKEY_OUTAGE_GRACE_MS: '0' });
    const target = await h.create('target');
    assert.equal((await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: target.secret })).json().code, 'VALID');
    h.lock();
    await h.latchkey.ctx.usage.flush();
    assertUnavailable(await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: target.secret }), 'cached verification');
  });

  it('a query that waits longer than LATCHKEY_DB_ACQUIRE_TIMEOUT_MS for the connection answers 503, and the connection is not leaked', async (t) => {
    const h = await fileApp(t, { LATCHKEY_DB_ACQUIRE_TIMEOUT_MS: '200' });
    let release!: () => void;
    // A transaction that stalls holds SQLite's single connection; everything else waits for it.
    const held = h.storage.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    const started = Date.now();
    assertUnavailable(await h.call('GET', '/v1/keys', h.ownerKey), 'a listing behind a stalled transaction');
    assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
    release();
    await held;
    assert.equal((await h.call('GET', '/v1/keys', h.ownerKey)).statusCode, 200);
    assert.equal((await h.call('GET', '/v1/keys', h.ownerKey)).statusCode, 200);
  });

  it('creates the data folder 0700 and the database, WAL and SHM files 0600', async (t) => {
    const h = await fileApp(t);
    await h.create('a-write-so-the-wal-exists');
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(h.dataDir), 0o700);
    for (const suffix of ['', '-wal', '-shm']) assert.equal(mode(`${h.file}${suffix}`), 0o600, `latchkey.sqlite${suffix}`);
  });
});
