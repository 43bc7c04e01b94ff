import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: system routes`, () => {
    it('answers liveness and readiness without credentials', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const health = await h.call('GET', '/healthz', null);
      assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }]);
      const ready = await h.call('GET', '/readyz', null);
      assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready', storage: database, instanceId: h.app.latchkey.instanceId }]);
      assert.match(ready.json().instanceId, /^ins_/);
    });

    it('serves the OpenAPI 3.1 document and the browsable reference', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const doc = await h.call('GET', '/openapi.json', null);
      assert.equal(doc.statusCode, 200);
      const spec = doc.json();
      assert.equal(spec.openapi, '3.1.0');
      for (const path of ['/v1/keys', '/v1/keys/verify', '/v1/keys/bulk', '/v1/keys/{id}', '/v1/keys/{id}/regenerate', '/v1/setup']) {
        assert.ok(spec.paths[path], `${path} is documented`);
      }
      const ui = await h.call('GET', '/docs/', null);
      assert.equal(ui.statusCode, 200);
      assert.match(ui.headers['content-type'] as string, /html/);
    });

    it('runs first-time setup once over HTTP and refuses the second time', async (t) => {
      const h = await createTestApp(database, { uninitialized: true });
      t.after(() => h.close());
      assert.deepEqual((await h.call('GET', '/v1/setup', null)).json(), { initialized: false });
      const bad = await h.call('POST', '/v1/setup', null, { organizationName: 'Acme', email: 'not-an-email', password: 'short' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
      assert.equal(await h.storage.repos.organizations.count(), 0);

      const body = { organizationName: 'Acme', email: 'Owner@Acme.test', password: 'correct horse battery staple' };
      const first = await h.call('POST', '/v1/setup', null, body);
      assert.equal(first.statusCode, 201);
      assert.equal(first.headers['cache-control'], 'no-store');
      const { ownerKey, organizationId, userId } = first.json();
      assert.match(ownerKey.secret, /^lk_live_/);
      assert.deepEqual(ownerKey.permissions, ['*']);
      assert.equal((await h.storage.repos.users.findById(userId))?.email, 'owner@acme.test');
      assert.equal((await h.storage.repos.memberships.find(organizationId, userId))?.role, 'owner');

      const again = await h.call('POST', '/v1/setup', null, body);
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'ALREADY_INITIALIZED');
      assert.equal(await h.storage.repos.organizations.count(), 1);

      const works = await h.call('GET', '/v1/keys', ownerKey.secret);
      assert.equal(works.statusCode, 200);
      assert.equal(works.json().items.length, 1);
    });

    it('throttles repeated authentication failures from one address but still accepts a valid key', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: '5/60s' } });
      t.after(() => h.close());
      const bogus = 'lk_live_notarealkeynotarealkeynotarealkey00';
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await h.call('GET', '/v1/keys', bogus)).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
      const throttled = await h.call('GET', '/v1/keys', bogus);
      assert.equal(throttled.json().error.code, 'AUTH_THROTTLED');
      assert.ok(Number(throttled.headers['retry-after']) >= 1);
      assert.equal((await h.call('GET', '/v1/keys', h.ownerKey)).statusCode, 200);
      h.clock.advance(60_000);
      assert.equal((await h.call('GET', '/v1/keys', bogus)).statusCode, 401);
    });

    it('answers a missing credential with 401 AUTH_MISSING and a Bearer challenge', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const res = await h.call('GET', '/v1/keys', null);
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'AUTH_MISSING');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="latchkey"');
      assert.equal(res.json().error.requestId, res.headers['x-request-id']);
    });

    it('answers unknown routes with the standard 404 body', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const res = await h.call('GET', '/v1/nothing-here', h.ownerKey);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    });

    it('flushes last-used times and usage counts on stop, not per request', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'used', permissions: ['latchkey:keys:read'] })).json();
      for (let i = 0; i < 3; i++) await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: key.secret });
      assert.equal((await h.storage.repos.keys.findById(h.orgId, key.id))?.lastUsedAt, null, 'nothing written per verification');
      await h.latchkey.stop();
      assert.equal((await h.storage.repos.keys.findById(h.orgId, key.id))?.lastUsedAt, h.clock.now());
      const series = await h.storage.repos.usage.series(h.orgId, key.id, 0);
      assert.deepEqual(series.map((p) => [p.code, p.count]), [['VALID', 3]]);
    });
  });
}
