import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferedUsageRecorder } from '../../src/adapters/in-process/buffered-usage-recorder.js';
import type { BackgroundLog } from '../../src/ports/background-log.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/** What a recorder logged, so a test can assert a flush met no error it swallowed. */
function recordingLog(): BackgroundLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_, message) => lines.push(`warn: ${message}`), error: (_, message) => lines.push(`error: ${message}`) };
}

async function createKeys(h: TestApp, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await h.call('POST', '/v1/keys', h.ownerKey, { name: `r${i}`, permissions: ['latchkey:keys:read'] })).json().id);
  return ids;
}

const HOUR = 3_600_000;

// Two recorders on one database stand for two instances flushing into the same rows.
for (const database of TEST_DATABASES) {
  describe(`${database}: usage recorders of several instances on one database`, () => {
    it('never move a last-used time backwards, whichever instance flushes last', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [first, second] = await createKeys(h, 2);
      const log = recordingLog();
      const a = new BufferedUsageRecorder(h.storage, log, 1000);
      const b = new BufferedUsageRecorder(h.storage, log, 1000);
      const now = h.clock.now();
      // `first`: the later use flushes first; `second`: the earlier use flushes first.
      a.record(first!, h.orgId, 'VALID', now + 500, true);
      b.record(first!, h.orgId, 'VALID', now + 100, true);
      a.record(second!, h.orgId, 'VALID', now + 100, true);
      b.record(second!, h.orgId, 'VALID', now + 700, true);
      await a.flush();
      await b.flush();
      assert.equal((await h.storage.repos.keys.findById(h.orgId, first!))?.lastUsedAt, now + 500);
      assert.equal((await h.storage.repos.keys.findById(h.orgId, second!))?.lastUsedAt, now + 700);
      // Concurrent flushes of overlapping keys, in both orders of arrival.
      a.record(first!, h.orgId, 'VALID', now + 900, true);
      b.record(first!, h.orgId, 'VALID', now + 800, true);
      a.record(second!, h.orgId, 'VALID', now + 600, true);
      b.record(second!, h.orgId, 'VALID', now + 1000, true);
      await Promise.all([a.flush(), b.flush()]);
      assert.equal((await h.storage.repos.keys.findById(h.orgId, first!))?.lastUsedAt, now + 900);
      assert.equal((await h.storage.repos.keys.findById(h.orgId, second!))?.lastUsedAt, now + 1000);
      // The API shows the same time.
      assert.equal((await h.call('GET', `/v1/keys/${second}`, h.ownerKey)).json().lastUsedAt, new Date(now + 1000).toISOString());
      assert.deepEqual(log.lines, []);
    });

    it('add their counts to the same rows rather than replace them', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const ids = await createKeys(h, 3);
      const log = recordingLog();
      const a = new BufferedUsageRecorder(h.storage, log, 1000);
      const b = new BufferedUsageRecorder(h.storage, log, 1000);
      const now = h.clock.now();
      const bucket = now - (now % HOUR);
      for (const id of ids) {
        for (let i = 0; i < 3; i++) a.record(id, h.orgId, 'VALID', now, true);
        for (let i = 0; i < 2; i++) b.record(id, h.orgId, 'VALID', now, true);
        b.record(id, h.orgId, 'RATE_LIMITED', now, false);
      }
      await Promise.all([a.flush(), b.flush()]);
      for (const id of ids) a.record(id, h.orgId, 'VALID', now, true);
      await a.flush();
      for (const id of ids) {
        const series = (await h.storage.repos.usage.series(h.orgId, id, 0)).map((p) => [Number(p.bucket), p.code, Number(p.count)]);
        assert.deepEqual(series, [
          [bucket, 'RATE_LIMITED', 1],
          [bucket, 'VALID', 6],
        ]);
      }
      assert.deepEqual(log.lines, []);
    });

    it('leave out the counts and last-used times of keys deleted before the flush, and write the others', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [kept, deleted] = await createKeys(h, 2);
      const log = recordingLog();
      const a = new BufferedUsageRecorder(h.storage, log, 1000);
      const now = h.clock.now();
      for (const id of [kept!, deleted!]) {
        a.record(id, h.orgId, 'VALID', now + 5, true);
        a.record(id, h.orgId, 'INSUFFICIENT_PERMISSIONS', now + 5, false);
      }
      assert.equal((await h.call('DELETE', `/v1/keys/${deleted}`, h.ownerKey)).statusCode, 204);
      await a.flush();
      assert.equal(a.pendingRows, 0);
      assert.equal((await h.storage.repos.keys.findById(h.orgId, kept!))?.lastUsedAt, now + 5);
      assert.equal((await h.storage.repos.usage.series(h.orgId, kept!, 0)).length, 2);
      assert.deepEqual(await h.storage.repos.usage.series(h.orgId, deleted!, 0), []);
      assert.equal(await h.storage.repos.keys.findById(h.orgId, deleted!), null);
      assert.deepEqual(log.lines, []);
    });
  });
}
