import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAdapters } from '../../src/adapters/create-adapters.js';
import type { Invalidation, InvalidationBus, InvalidationRecord } from '../../src/ports/invalidation-bus.js';
import { buildApp } from '../../src/server/build-app.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { createKey } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/** A bus that applies events like the in-process one and remembers what was published. */
class RecordingBus implements InvalidationBus {
  readonly published: Invalidation[] = [];
  private readonly handlers: Array<(event: Invalidation) => void> = [];
  closed = false;
  readonly stats = { applied: 0, trimmedPast: 0, reconnects: 0, failedReads: 0, waitTimeouts: 0, instancesSeen: 1 };
  onApplied(): void {}
  async publish(records: readonly InvalidationRecord[]): Promise<void> {
    for (const { event } of records) {
      this.published.push(event);
      for (const handler of this.handlers) handler(event);
    }
  }
  trusted(): boolean {
    return true;
  }
  async start(): Promise<void> {}
  subscribe(handler: (event: Invalidation) => void): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

for (const database of TEST_DATABASES) {
  describe(`${database}: adapters are chosen in createAdapters and substituted through createLatchkey's options`, () => {
    it('builds a separate adapter for each role, and a given port replaces only its own', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const log = { warn: () => {}, error: () => {} };
      const built = createAdapters(h.config, { storage: h.storage, log, instanceId: 'ins_test' });
      assert.notEqual(built.rateLimiter, built.authFailures, 'the failure throttle does not share counts with rate limits');
      assert.equal(built.now, Date.now);
      const bus = new RecordingBus();
      const substituted = createAdapters(h.config, { storage: h.storage, log, instanceId: 'ins_test' }, { bus, now: h.clock.now });
      assert.equal(substituted.bus, bus);
      assert.equal(substituted.now, h.clock.now);
      assert.notEqual(substituted.cache, built.cache);
    });

    it('services publish on the bus given to createLatchkey, the cache obeys it, and stop closes it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const bus = new RecordingBus();
      const lk = createLatchkey(h.config, h.storage, { now: h.clock.now, bus });
      assert.equal(lk.ctx.bus, bus);
      const app = await buildApp(lk);
      t.after(() => app.close());
      const call = (url: string, body?: unknown) =>
        app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${h.ownerKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
      const key = await createKey(h, { name: 'watched' });
      const verified = async () => (await call('/v1/keys/verify', { key: key.secret })).json().code as string;

      assert.equal(await verified(), 'VALID');
      const cached = lk.ctx.cache.size;
      assert.ok(cached >= 1, 'the verified key (and the caller) are cached');
      await bus.publish([{ id: 0, createdAt: 0, event: { type: 'all' } }]);
      assert.equal(lk.ctx.cache.size, 0, 'an `all` invalidation empties the cache');

      assert.equal(await verified(), 'VALID');
      assert.equal((await call(`/v1/keys/${key.id}/revoke`)).statusCode, 200);
      assert.deepEqual(bus.published.at(-1), { type: 'keys', keyIds: [key.id] }, 'the revocation was published on the given bus');
      assert.equal(await verified(), 'REVOKED', 'and the cache dropped the key it named');

      await lk.stop();
      assert.equal(bus.closed, true, 'stop closes the bus');
    });
  });
}
