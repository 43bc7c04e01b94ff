import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisStreamsInvalidationBus } from '../../src/adapters/redis/redis-streams-invalidation-bus.js';
import type { Invalidation, InvalidationRecord } from '../../src/domain/invalidation.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { freePort } from '../helpers/latchkey-process.js';
import { POSTGRES_URL, TEST_DATABASES } from '../helpers/test-databases.js';

const silent = { warn: () => {}, error: () => {} };

/** A redis-server of the test's own on a free port (never the shared one), so the test may stop and restart it. */
async function privateRedis(t: TestContext) {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    for (let i = 0; ; i++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch {
        if (i > 100) throw new Error('the private redis-server did not start');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    probe.disconnect();
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  t.after(stop);
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const keys = (id: string): Invalidation => ({ type: 'keys', keyIds: [id] });

async function setup(t: TestContext) {
  const redis = await privateRedis(t);
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const prefix = `lk-test-${randomBytes(4).toString('hex')}:`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const opened: Storage[] = [];
  const open = () => {
    const storage = openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', postgresSchema: schema });
    opened.push(storage);
    return storage;
  };
  await open().migrate();
  const buses: RedisStreamsInvalidationBus[] = [];
  t.after(async () => {
    for (const bus of buses) await bus.close();
    for (const s of opened) await s.close().catch(() => {});
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });
  const bus = (instanceId: string) => {
    const storage = open();
    const b = new RedisStreamsInvalidationBus(storage, {
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
      redisUrl: redis.url,
      keyPrefix: prefix,
    });
    const seen: Invalidation[] = [];
    b.subscribe((event) => seen.push(event));
    buses.push(b);
    return { bus: b, storage, seen };
  };
  const writer = open();
  const now = Date.now();
  for (const id of ['ins_a', 'ins_b']) await writer.repos.instances.beat({ instanceId: id, host: 'h', pid: 1, startedAt: now, lastSeenAt: now });
  const a = bus('ins_a');
  const b = bus('ins_b');
  await Promise.all([a.bus.start(), b.bus.start()]);
  writer.onInvalidationsCommitted((records) => a.bus.publish(records));
  const commit = (...events: Invalidation[]) =>
    writer.transaction(async (tx) => {
      for (const event of events) tx.invalidations.record(event);
    });
  return { redis, prefix, a, b, commit, writer };
}

if (!TEST_DATABASES.includes('postgres')) {
  describe('RedisStreamsInvalidationBus', () => {
    it('runs on PostgreSQL and Redis', (t) => t.skip('PostgreSQL is not in LATCHKEY_TEST_DATABASES for this run'));
  });
} else {
  describe('RedisStreamsInvalidationBus on real PostgreSQL and a private redis-server', () => {
    it('delivers committed records through the stream; when publish returns B has applied them or is untrusted', async (t) => {
      const { a, b, commit } = await setup(t);
      const lags: number[] = [];
      b.bus.onApplied((lagMs) => lags.push(lagMs));
      await until('B reads the stream', () => b.bus.redisReading);
      for (let i = 0; i < 20; i++) {
        await commit(keys(`key_${i}`));
        // The guarantee: when the change returns, B has applied it or is not trusted (a wait that ran out on a
        // loaded machine is allowed, a trusted stale B is not).
        assert.ok(b.bus.appliedId === i + 1 || !b.bus.trusted(), `B applied ${b.bus.appliedId} of ${i + 1} and is trusted`);
      }
      await until('B applied all', () => b.bus.appliedId === 20);
      assert.deepEqual(b.seen, Array.from({ length: 20 }, (_, i) => keys(`key_${i}`)));
      assert.ok(b.bus.redisStats.delivered > 0, `delivered through Redis: ${b.bus.redisStats.delivered}`);
      assert.ok(a.bus.stats.waitTimeouts < 20, 'most changes were confirmed by acknowledgement, not by the bound');
      // Stream entries carry the commit time, so the lag is observed whichever feed delivered a record.
      assert.equal(lags.length, 20);
      for (const lag of lags) assert.ok(lag >= 0 && lag < 10_000, `lag ${lag} ms`);
    });

    it('Redis stopped while A changes things: B falls back to PostgreSQL, is never trusted and stale, and reads the stream again when Redis returns', async (t) => {
      const { redis, a, b, commit } = await setup(t);
      await until('B reads the stream', () => b.bus.redisReading);
      await redis.stop();
      for (let i = 0; i < 10; i++) {
        await commit(keys(`key_${i}`));
        // The guarantee, checked at the moment the change returned.
        assert.ok(b.bus.appliedId === i + 1 || !b.bus.trusted(), `B applied ${b.bus.appliedId} of ${i + 1} and is trusted`);
      }
      await until('B caught up through PostgreSQL', () => b.bus.appliedId === 10 && b.bus.trusted());
      assert.equal(b.bus.redisReading, false, 'NOTIFY wakes B while Redis is down');
      assert.ok(a.bus.redisStats.xaddFailures > 0);
      await redis.start();
      await until('B reads the stream again', () => b.bus.redisReading, 15_000);
      const delivered = b.bus.redisStats.delivered;
      await commit(keys('key_after'));
      await until('B applied the one after', () => b.bus.appliedId === 11);
      await until('through Redis', async () => {
        await commit(keys('key_more'));
        return b.bus.redisStats.delivered > delivered;
      });
    });

    it('an entry that skips ids (a lost or overtaken XADD) makes B fill the gap from the log', async (t) => {
      const { redis, prefix, b, writer } = await setup(t);
      await until('B reads the stream', () => b.bus.redisReading);
      // Committed to the log without any publish (as after a publisher died between commit and XADD)...
      writer.onInvalidationsCommitted(async () => {});
      await writer.transaction(async (tx) => tx.invalidations.record(keys('key_silent')));
      const [second] = await writer.transaction(async (tx) => {
        tx.invalidations.record(keys('key_loud'));
        return [2];
      });
      // ...then only the second one's entry reaches the stream.
      const direct = new Redis(redis.url);
      direct.on('error', () => {});
      t.after(() => direct.disconnect());
      const record: InvalidationRecord = { id: second!, createdAt: Date.now(), event: keys('key_loud') };
      await direct.xadd(`${prefix}invalidations`, '*', 'id', String(record.id), 'event', JSON.stringify(record.event));
      await until('B applied both', () => b.bus.appliedId === 2);
      assert.deepEqual(b.seen, [keys('key_silent'), keys('key_loud')]);
    });
  });
}
