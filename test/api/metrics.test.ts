import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { listenForMetrics } from '../../src/server/metrics-endpoint.js';
import { createKey } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

for (const database of TEST_DATABASES) {
  describe(`${database}: GET /metrics`, () => {
    it('is off by default: 404 on the main port, and the no-op adapter', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      assert.equal(h.latchkey.ctx.metrics.enabled, false);
      const off = await h.callOverSocket('GET', '/metrics', null, undefined, { authorization: `Bearer ${TOKEN}` });
      assert.equal(off.statusCode, 404);
      assert.equal(off.json().error.code, 'NOT_FOUND');
    });

    it('with a token: 401 with the standard body without it or with another, Prometheus text with it', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_METRICS_TOKEN: TOKEN } });
      t.after(() => h.close());
      const missing = await h.callOverSocket('GET', '/metrics', null);
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.json().error.code, 'AUTH_MISSING');
      assert.equal(missing.headers['www-authenticate'], 'Bearer realm="latchkey"');
      assert.equal(missing.json().error.requestId, missing.headers['x-request-id']);
      for (const wrong of [`${TOKEN}x`, TOKEN.slice(1), 'x', h.ownerKey]) {
        const refused = await h.callOverSocket('GET', '/metrics', null, undefined, { authorization: `Bearer ${wrong}` });
        assert.equal(refused.statusCode, 401);
        assert.equal(refused.json().error.code, 'AUTH_INVALID');
        assert.doesNotMatch(refused.body, /latchkey_/);
      }
      const good = await h.callOverSocket('GET', '/metrics', null, undefined, { authorization: `Bearer ${TOKEN}` });
      assert.equal(good.statusCode, 200);
      assert.match(good.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
      assert.equal(sample(good.body, 'latchkey_instance_info', `instance_id="${h.latchkey.instanceId}"`), 1);
      assert.match(good.body, /^latchkey_key_cache_entries \d+$/m);
      // One instance: trusted, nothing from elsewhere; the lag histogram is declared (it fills with other instances).
      assert.match(good.body, /^latchkey_invalidation_cache_trusted 1$/m);
      assert.match(good.body, /^latchkey_instances_seen 1$/m);
      // Pool use on PostgreSQL only (SQLite has one connection); no Redis here, so no Redis state either.
      if (database === 'postgres') assert.match(good.body, /^latchkey_storage_pool_total \d+$/m);
      else assert.doesNotMatch(good.body, /^latchkey_storage_pool_total /m);
      assert.doesNotMatch(good.body, /^latchkey_redis_connected /m);
      assert.match(good.body, /^latchkey_invalidations_applied_total 0$/m);
      assert.match(good.body, /^latchkey_invalidation_failed_reads_total 0$/m);
      assert.match(good.body, /^# TYPE latchkey_invalidation_lag_seconds histogram$/m);
    });

    it('counts verifications by outcome and requests by route pattern, with no secret or id in the text', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_METRICS_TOKEN: TOKEN } });
      t.after(() => h.close());
      const key = await createKey(h, { name: 'counted' });
      const scrape = async () => (await h.callOverSocket('GET', '/metrics', null, undefined, { authorization: `Bearer ${TOKEN}` })).body;
      const before = sample(await scrape(), 'latchkey_verifications_total', 'code="VALID"') ?? 0;
      // Over the socket: the fast path.
      const valid = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, { key: key.secret });
      assert.equal(valid.json().code, 'VALID');
      // Injected: the Fastify route.
      const notFound = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: 'lk_live_notakeyatall0000000000000000' });
      assert.equal(notFound.json().code, 'NOT_FOUND');
      assert.equal((await h.call('GET', `/v1/keys/${key.id}`, h.ownerKey)).statusCode, 200);
      await h.callOverSocket('GET', `/no/such/${key.id}`, null);

      const text = await scrape();
      assert.equal(sample(text, 'latchkey_verifications_total', 'code="VALID"'), before + 1);
      assert.equal(sample(text, 'latchkey_verifications_total', 'code="NOT_FOUND"'), 1);
      assert.equal(sample(text, 'latchkey_http_requests_total', 'route="/v1/keys/verify",method="POST",status="200"'), 2);
      assert.equal(sample(text, 'latchkey_http_requests_total', 'route="/v1/keys/:id",method="GET",status="200"'), 1);
      assert.equal(sample(text, 'latchkey_http_requests_total', 'route="unmatched",method="GET",status="404"'), 1);
      assert.ok((sample(text, 'latchkey_http_request_duration_seconds_count', 'route="/v1/keys/verify",method="POST"') ?? 0) >= 2);
      for (const secret of [key.secret, h.ownerKey, TOKEN, key.id]) assert.ok(!text.includes(secret), 'no secret or id in the metrics');
      for (const match of text.matchAll(/route="([^"]*)"/g)) assert.match(match[1]!, /^(unmatched|\/[A-Za-z0-9/:._*-]*)$/);

      // The cache answered the owner key's later lookups; the verifications wait for the next flush, then not.
      const ratio = Number(/^latchkey_key_cache_hit_ratio ([0-9.e-]+)$/m.exec(text)?.[1]);
      assert.ok(ratio > 0 && ratio <= 1, `hit ratio ${ratio}`);
      assert.ok(Number(/^latchkey_usage_pending_rows (\d+)$/m.exec(text)?.[1]) > 0, 'verified usage is pending');
      await h.latchkey.ctx.usage.flush();
      const flushed = await scrape();
      assert.equal(Number(/^latchkey_usage_pending_rows (\d+)$/m.exec(flushed)?.[1]), 0);
      assert.ok(Number(/^latchkey_usage_last_flush_seconds ([0-9.e-]+)$/m.exec(flushed)?.[1]) > 0, 'the flush was timed');
    });

    it('on a separate port: /metrics without a token, nothing else', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_METRICS_PORT: '9464' } });
      t.after(() => h.close());
      assert.equal(h.latchkey.ctx.metrics.enabled, true);
      // The main port serves no metrics when no token is set.
      assert.equal((await h.callOverSocket('GET', '/metrics', null)).statusCode, 404);
      const server = await listenForMetrics(h.latchkey.ctx.metrics, '127.0.0.1', 0);
      t.after(() => new Promise((resolve) => server.close(resolve)));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      assert.match(await metrics.text(), new RegExp(`latchkey_instance_info\\{instance_id="${h.latchkey.instanceId}"\\} 1`));
      assert.equal((await fetch(`${base}/v1/keys`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 404);
    });
  });
}
