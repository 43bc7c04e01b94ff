import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { PostgresInvalidationBus, type PostgresInvalidationBusOptions } from '../../src/adapters/postgres/postgres-invalidation-bus.js';
import type { Invalidation, InvalidationRecord } from '../../src/domain/invalidation.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { POSTGRES_URL, TEST_DATABASES } from '../helpers/test-databases.js';

const silent = { warn: () => {}, error: () => {} };

/** A schema of the test's own, opened by as many Storage objects as instances need (each its own pool). */
async function sharedSchema(t: TestContext) {
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const opened: Storage[] = [];
  const open = () => {
    const storage = openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', postgresSchema: schema });
    opened.push(storage);
    return storage;
  };
  await open().migrate();
  const buses: PostgresInvalidationBus[] = [];
  t.after(async () => {
    for (const bus of buses) await bus.close();
    for (const s of opened) await s.close().catch(() => {});
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });
  const bus = (instanceId: string, overrides: Partial<PostgresInvalidationBusOptions> = {}) => {
    const storage = open();
    const b = new PostgresInvalidationBus(storage, {
      connectionString: POSTGRES_URL,
      channel: storage.notifyChannel!,
      instanceId,
      leaseMs: 200,
      waitMs: 250,
      staleAfterMs: 15_000,
      livenessCheckMs: 5_000,
      retainMs: 3_600_000,
      connectMs: 5_000,
      now: Date.now,
      log: silent,
      ...overrides,
    });
    const seen: Invalidation[] = [];
    b.subscribe((event) => seen.push(event));
    buses.push(b);
    return { bus: b, storage, seen };
  };
  const writer = open();
  const commit = (...events: Invalidation[]) =>
    writer.transaction(async (tx) => {
      for (const event of events) tx.invalidations.record(event);
    });
  return { schema, admin, open, bus, writer, commit };
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const keys = (id: string): Invalidation => ({ type: 'keys', keyIds: [id] });

if (!TEST_DATABASES.includes('postgres')) {
  describe('PostgresInvalidationBus', () => {
    it('runs on PostgreSQL', (t) => t.skip('PostgreSQL is not in LATCHKEY_TEST_DATABASES for this run'));
  });
} else {
  describe('PostgresInvalidationBus on real PostgreSQL', () => {
    it('applies committed records in id order, woken by NOTIFY, acknowledges them, and is trusted while reading', async (t) => {
      const db = await sharedSchema(t);
      await db.commit(keys('key_before'));
      const b = db.bus('ins_b');
      const lags: number[] = [];
      b.bus.onApplied((lagMs) => lags.push(lagMs));
      assert.equal(b.bus.trusted(), false, 'not trusted before it has read anything');
      await b.bus.start();
      assert.equal(b.bus.trusted(), true);
      assert.equal(b.bus.appliedId, 1, 'what was logged before start cannot be in an empty cache');
      await db.commit(keys('key_1'), keys('key_2'));
      await db.commit({ type: 'member', orgId: 'org_1', userId: 'usr_1' });
      await until('B applied 4', () => b.bus.appliedId === 4);
      assert.deepEqual(b.seen, [keys('key_1'), keys('key_2'), { type: 'member', orgId: 'org_1', userId: 'usr_1' }]);
      // The lag metric's feed: one observation per applied record, commit to apply on the wall clock.
      assert.equal(b.bus.stats.applied, 3);
      assert.equal(b.bus.stats.instancesSeen, 1, 'no other heartbeat in this schema');
      assert.equal(lags.length, 3);
      for (const lag of lags) assert.ok(lag >= 0 && lag < 10_000, `lag ${lag} ms`);
      await until('the ack row says 4', async () => Number((await db.admin.query('select applied_id from invalidation_acks where instance_id = $1', ['ins_b'])).rows[0]?.applied_id) === 4);
    });

    it('a terminated LISTEN backend: untrusted at once, reconnects and re-LISTENs, and replays everything committed meanwhile', async (t) => {
      const db = await sharedSchema(t);
      // A long lease: the 1 s poll would hide a listener that never came back within this test's waits.
      const b = db.bus('ins_b', { leaseMs: 4_000, waitMs: 4_100 });
      await b.bus.start();
      const channel = b.storage.notifyChannel!;
      const listeners = async () =>
        (await db.admin.query(`select pid from pg_stat_activity where query = $1 and application_name = 'latchkey invalidation listener ins_b'`, [`LISTEN "${channel}"`])).rows.map((r) => Number(r.pid));
      await until('the listener is connected', async () => (await listeners()).length === 1);
      const [pid] = await listeners();
      await db.admin.query('select pg_terminate_backend($1)', [pid]);
      await until('B noticed', () => b.bus.stats.reconnects >= 1);
      for (let i = 0; i < 5; i++) await db.commit(keys(`key_${i}`));
      await until('B replayed all five', () => b.bus.appliedId === 5);
      assert.deepEqual(b.seen, [0, 1, 2, 3, 4].map((i) => keys(`key_${i}`)), 'in order, none lost');
      assert.equal(b.bus.trusted(), true);
      await until('a new listener is connected', async () => {
        const now = await listeners();
        return now.length === 1 && now[0] !== pid;
      });
      // And notifications reach it again: with a 1 s poll, this arrives well before the poll would matter.
      await db.commit(keys('key_after'));
      await until('B applied the one after', () => b.bus.appliedId === 6);
    });

    it('a stalled read loses the lease (untrusted); a log trimmed past the applied id clears everything, then continues', async (t) => {
      const db = await sharedSchema(t);
      const b = db.bus('ins_b');
      await b.bus.start();
      await db.commit(keys('key_1'));
      await until('B applied 1', () => b.bus.appliedId === 1);
      // Stall every read of the log (as a frozen connection would), and meanwhile append 2..6 and trim 2..5.
      await db.admin.query('begin');
      await db.admin.query('lock table invalidation_log in access exclusive mode');
      for (let id = 2; id <= 6; id++) await db.admin.query('insert into invalidation_log (id, created_at, event) values ($1, $2, $3)', [id, Date.now(), JSON.stringify(keys(`key_${id}`))]);
      await db.admin.query('delete from invalidation_log where id between 2 and 5');
      await until('the lease ran out', () => !b.bus.trusted());
      await db.admin.query('commit');
      await until('B applied 6', () => b.bus.appliedId === 6);
      assert.deepEqual(b.seen, [keys('key_1'), { type: 'all' }, keys('key_6')]);
      assert.equal(b.bus.stats.trimmedPast, 1);
      await until('trusted again', () => b.bus.trusted());
    });

    it("publish returns once every live instance acknowledged; past the wait, one that has not is already untrusted", async (t) => {
      const db = await sharedSchema(t);
      const a = db.bus('ins_a');
      const b = db.bus('ins_b');
      const c = db.bus('ins_c');
      const now = Date.now();
      for (const id of ['ins_a', 'ins_b', 'ins_c']) await db.writer.repos.instances.beat({ instanceId: id, host: 'h', pid: 1, startedAt: now, lastSeenAt: now });
      await Promise.all([a.bus.start(), b.bus.start(), c.bus.start()]);

      let committed: InvalidationRecord[] = [];
      db.writer.onInvalidationsCommitted(async (records) => {
        committed = [...records];
        await a.bus.publish(records);
      });
      await db.commit(keys('key_1'));
      // Its own reader applies it again later (invalidations are idempotent); the first must come from publish.
      assert.deepEqual(a.seen[0], keys('key_1'), 'the publisher applied it before returning');
      // Applied, or (only if the machine is so loaded that the bound ran out first) not trusted.
      for (const [name, x] of [['B', b], ['C', c]] as const) {
        assert.ok(x.bus.appliedId === committed[0]!.id || !x.bus.trusted(), `${name} applied ${x.bus.appliedId} of ${committed[0]!.id} and is trusted`);
      }
      await until('B and C applied 1', () => b.bus.appliedId === 1 && c.bus.appliedId === 1);
      const timeoutsBefore = a.bus.stats.waitTimeouts;

      // C stalls: its reads block behind a lock, so it cannot acknowledge the next record.
      await db.admin.query('begin');
      await db.admin.query('lock table invalidation_log in access exclusive mode');
      await db.admin.query('insert into invalidation_log (id, created_at, event) values (2, $1, $2)', [Date.now(), JSON.stringify(keys('key_2'))]);
      const record: InvalidationRecord = { id: 2, createdAt: Date.now(), event: keys('key_2') };
      await a.bus.publish([record]);
      assert.equal(a.bus.stats.waitTimeouts, timeoutsBefore + 1, 'the wait ran out');
      assert.equal(c.bus.trusted(), false, 'and C, which has not applied it, is not trusted');
      assert.equal(b.bus.trusted(), false, 'nor B, whose reads are blocked too');
      await db.admin.query('commit');
      await until('C caught up', () => c.bus.appliedId === 2 && c.bus.trusted());
      assert.deepEqual(c.seen, [keys('key_1'), keys('key_2')]);

      // A stale heartbeat is not waited for; a fresh one without any acknowledgement is, up to the bound.
      await db.writer.repos.instances.beat({ instanceId: 'ins_gone', host: 'h', pid: 9, startedAt: now - 60_000, lastSeenAt: now - 60_000 });
      const live = Date.now() - 15_000;
      assert.deepEqual((await db.writer.repos.invalidations.unacknowledged(2, live, 'ins_a')).sort(), [], 'the stale instance is not waited for');
      await db.writer.repos.instances.beat({ instanceId: 'ins_new', host: 'h', pid: 9, startedAt: Date.now(), lastSeenAt: Date.now() });
      assert.deepEqual(await db.writer.repos.invalidations.unacknowledged(2, live, 'ins_a'), ['ins_new'], 'a fresh one without an acknowledgement is');
    });

    it('close removes the acknowledgement row and drops trust', async (t) => {
      const db = await sharedSchema(t);
      const b = db.bus('ins_b');
      await b.bus.start();
      await db.commit(keys('key_1'));
      await until('acknowledged', async () => (await db.admin.query("select 1 from invalidation_acks where instance_id = 'ins_b' and applied_id = 1")).rows.length === 1);
      await b.bus.close();
      assert.equal(b.bus.trusted(), false);
      assert.equal((await db.admin.query("select 1 from invalidation_acks where instance_id = 'ins_b'")).rows.length, 0);
    });
  });
}
