import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { InstanceConflictError } from '../../src/services/instance-registry.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { spawnLatchkey, untilListening } from '../helpers/latchkey-process.js';
import { TestClock } from '../helpers/test-clock.js';
import { POSTGRES_URL, TEST_DATABASES, type TestDatabase } from '../helpers/test-databases.js';

/** One database that several Storage objects (as several processes would) can open: a SQLite file or a PostgreSQL schema. */
async function sharedDatabase(database: TestDatabase): Promise<{ open(): Storage; destroy(): Promise<void> }> {
  const opened: Storage[] = [];
  if (database === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-instances-'));
    const open = () => {
      const storage = openStorage({ dataDir: dir });
      opened.push(storage);
      return storage;
    };
    await open().migrate();
    return {
      open,
      async destroy() {
        for (const s of opened) await s.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const open = () => {
    const storage = openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', postgresSchema: schema });
    opened.push(storage);
    return storage;
  };
  await open().migrate();
  return {
    open,
    async destroy() {
      for (const s of opened) await s.close().catch(() => {});
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema if exists ${schema} cascade`);
      await cleanup.end();
    },
  };
}

const ENV = { LOG_LEVEL: 'silent', NODE_ENV: 'test', LATCHKEY_PASSWORD_HASH_COST: '10', LATCHKEY_INSTANCE_HEARTBEAT_MS: '5000' };

for (const database of TEST_DATABASES) {
  if (database !== 'postgres') continue;
  describe('postgres: several instances share one database', () => {
    it('a second instance starts beside a live one without any flag and sees it; stops remove both rows', async (t) => {
      const db = await sharedDatabase(database);
      t.after(() => db.destroy());
      const clock = new TestClock();
      const first = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const a = await first.start();
      clock.advance(4000);
      const second = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const b = await second.start();
      assert.deepEqual(b.others.map((o) => o.instanceId), [a.instanceId]);
      assert.deepEqual((await db.open().repos.instances.heartbeats()).map((r) => r.instanceId), [a.instanceId, b.instanceId]);
      await second.stop();
      await first.stop();
      assert.deepEqual(await db.open().repos.instances.heartbeats(), []);
    });
  });
}

// Only SQLite refuses: PostgreSQL instances share invalidations through the log (test/adapters/postgres-invalidation-bus.test.ts).
for (const database of TEST_DATABASES) {
  if (database !== 'sqlite') continue;
  describe(`${database}: one instance per database, detected by heartbeat`, () => {
    it('refuses a second instance with a message that says why; after a clean stop a new one starts', async (t) => {
      const db = await sharedDatabase(database);
      t.after(() => db.destroy());
      const clock = new TestClock();
      const first = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const claim = await first.start();
      const rows = await db.open().repos.instances.heartbeats();
      assert.deepEqual(rows, [{ instanceId: claim.instanceId, host: hostname(), pid: process.pid, startedAt: clock.now(), lastSeenAt: clock.now() }]);

      clock.advance(4000);
      const second = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const refusal = await second.start().then(
        () => assert.fail('the second instance started'),
        (error: unknown) => error,
      );
      assert.ok(refusal instanceof InstanceConflictError);
      assert.match(refusal.message, /another Latchkey instance is running on this database/);
      assert.match(refusal.message, new RegExp(`${claim.instanceId} on ${hostname()} \\(pid ${process.pid}\\), last seen 4 s ago`));
      assert.match(refusal.message, /key cache and rate limits in each process/);
      assert.match(refusal.message, /use PostgreSQL/);
      assert.match(refusal.message, /LATCHKEY_ALLOW_MULTIPLE_INSTANCES=1/);
      assert.deepEqual((await db.open().repos.instances.heartbeats()).map((r) => r.instanceId), [claim.instanceId], 'the refused one left no row');
      await second.stop();

      await first.stop();
      assert.deepEqual(await db.open().repos.instances.heartbeats(), [], 'a clean stop removes the row');
      const third = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const thirdClaim = await third.start();
      assert.deepEqual(thirdClaim.others, []);
      await third.stop();
    });

    it("a crashed instance's heartbeat blocks only until it is 3 intervals old", async (t) => {
      const db = await sharedDatabase(database);
      t.after(() => db.destroy());
      const clock = new TestClock();
      const crashed = { instanceId: 'ins_crashed', host: 'old-host', pid: 4242, startedAt: clock.now() - 60_000, lastSeenAt: clock.now() };
      await db.open().repos.instances.beat(crashed);

      clock.advance(14_999);
      const early = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      await assert.rejects(early.start(), /ins_crashed on old-host \(pid 4242\), last seen 15 s ago/);
      clock.advance(2);
      const later = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const claim = await later.start();
      assert.deepEqual((await db.open().repos.instances.heartbeats()).map((r) => r.instanceId), [claim.instanceId], 'the stale row is cleared');
      await later.stop();
    });

    it('of two instances starting at the same moment, each sees the other and only the later one refuses', async (t) => {
      const db = await sharedDatabase(database);
      t.after(() => db.destroy());
      const clock = new TestClock();
      // Rows another instance would have written an instant before reading the table, as this one does.
      const later = { instanceId: 'ins_later', host: 'h2', pid: 2, startedAt: clock.now() + 1, lastSeenAt: clock.now() + 1 };
      await db.open().repos.instances.beat(later);
      const earlier = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const claim = await earlier.start();
      assert.deepEqual(claim.others.map((o) => o.instanceId), ['ins_later'], 'it sees the later one and keeps running');

      await earlier.stop();
      // The same start time: the instance id breaks the tie, the same way on every instance.
      const smallest = { instanceId: `ins_${'0'.repeat(20)}`, host: 'h3', pid: 3, startedAt: clock.now(), lastSeenAt: clock.now() };
      await db.open().repos.instances.beat(smallest);
      const tied = createLatchkey(loadConfig(ENV), db.open(), { now: clock.now });
      const refusal = await tied.start().then(() => null, (error: unknown) => error);
      assert.ok(refusal instanceof InstanceConflictError);
      assert.deepEqual(refusal.others.map((o) => o.instanceId), [smallest.instanceId], 'only older rows are named; the later one is not');
      assert.deepEqual((await db.open().repos.instances.heartbeats()).map((r) => r.instanceId).sort(), [smallest.instanceId, 'ins_later'].sort());
      await tied.stop();
    });

    it('LATCHKEY_ALLOW_MULTIPLE_INSTANCES=1 starts beside a live instance and reports it, and heartbeats keep rows fresh', async (t) => {
      const db = await sharedDatabase(database);
      t.after(() => db.destroy());
      const clock = new TestClock();
      const env = { ...ENV, LATCHKEY_INSTANCE_HEARTBEAT_MS: '100' };
      const first = createLatchkey(loadConfig(env), db.open(), { now: clock.now });
      const a = await first.start();
      clock.advance(50);
      const second = createLatchkey(loadConfig({ ...env, LATCHKEY_ALLOW_MULTIPLE_INSTANCES: '1' }), db.open(), { now: clock.now });
      const b = await second.start();
      assert.deepEqual(b.others.map((o) => o.instanceId), [a.instanceId]);

      // The timers refresh lastSeenAt from the clock, off any request path.
      clock.advance(10_000);
      const reader = db.open();
      let rows = await reader.repos.instances.heartbeats();
      for (let i = 0; i < 50 && !rows.every((r) => r.lastSeenAt === clock.now()); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rows = await reader.repos.instances.heartbeats();
      }
      assert.deepEqual(rows.map((r) => [r.instanceId, r.lastSeenAt]).sort(), [[a.instanceId, clock.now()], [b.instanceId, clock.now()]].sort());
      await second.stop();
      await first.stop();
      assert.deepEqual(await db.open().repos.instances.heartbeats(), []);
    });
  });
}

describe('two real Latchkey processes on one SQLite file', () => {
  it('the second is refused with the reason; after the first stops cleanly a new one starts', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-two-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'info', LATCHKEY_DASHBOARD_DIR: join(dataDir, 'no-dashboard') };
    const first = await spawnLatchkey(env);
    t.after(() => first.child.kill('SIGKILL'));
    await untilListening(first);

    const second = await spawnLatchkey(env);
    t.after(() => second.child.kill('SIGKILL'));
    assert.equal(await second.exited, 1);
    assert.match(second.output(), /Refusing to start: another Latchkey instance is running on this database/);
    assert.match(second.output(), new RegExp(`on ${hostname()} \\(pid ${first.child.pid}\\)`));
    assert.doesNotMatch(second.output(), /Latchkey on sqlite at/);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    const third = await spawnLatchkey(env);
    t.after(() => third.child.kill('SIGKILL'));
    await untilListening(third);
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
    const storage = openStorage({ dataDir });
    t.after(() => storage.close());
    assert.deepEqual(await storage.repos.instances.heartbeats(), []);
  });
});
