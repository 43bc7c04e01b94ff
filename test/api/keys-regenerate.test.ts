import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKey, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const HOUR = 3_600_000;

async function secretEnd(h: TestApp, secret: string): Promise<number | null | undefined> {
  return (await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(secret)))?.secretExpiresAt;
}

async function regenerate(h: TestApp, id: string, body?: unknown, caller = h.ownerKey) {
  return h.call('POST', `/v1/keys/${id}/regenerate`, caller, body);
}

for (const database of TEST_DATABASES) {
  describe(`${database}: regenerating API keys`, () => {
    it('keeps the old secret working until the grace period ends, then EXPIRED; the new one works at once', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'rolling', permissions: ['latchkey:keys:read'] });
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');

      const response = await regenerate(h, key.id, { gracePeriodSeconds: 3600 });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['cache-control'], 'no-store');
      const rolled = response.json();
      // The key's type (read-only here) is kept.
      assert.match(rolled.secret, /^lk_ro_[A-Za-z0-9]{38}$/);
      assert.notEqual(rolled.secret, key.secret);
      assert.equal(rolled.id, key.id);
      assert.equal(rolled.start, rolled.secret.slice(0, 'lk_ro_'.length + 4));
      assert.equal((await storedKey(h, key.id))?.start, rolled.secret.slice(0, 'lk_ro_'.length + 4));
      assert.equal(await secretEnd(h, key.secret), h.clock.now() + HOUR);
      assert.equal(await secretEnd(h, rolled.secret), null);

      assert.equal((await verify(h, { key: rolled.secret })).code, 'VALID');
      h.clock.advance(HOUR - 1);
      assert.deepEqual([(await verify(h, { key: key.secret })).code, (await verify(h, { key: key.secret })).keyId], ['VALID', key.id]);
      assert.equal((await h.call('GET', '/v1/keys', key.secret)).statusCode, 200);
      h.clock.advance(1);
      assert.equal((await verify(h, { key: key.secret })).code, 'EXPIRED');
      const old = await h.call('GET', '/v1/keys', key.secret);
      assert.equal(old.statusCode, 401);
      assert.equal(errorCode(old), 'AUTH_EXPIRED');
      assert.equal((await verify(h, { key: rolled.secret })).code, 'VALID');
      assert.equal((await h.call('GET', '/v1/keys', rolled.secret)).statusCode, 200);

      const [event] = await h.storage.repos.audit.list({ orgId: h.orgId, targetId: key.id, action: 'key.regenerated', limit: 10 });
      assert.deepEqual(event!.details!, { gracePeriodSeconds: 3600 });
      assert.ok(!JSON.stringify(event).includes(rolled.secret));
    });

    it('without a grace period (or with 0) the old secret stops at once and answers like an unknown key', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const body of [undefined, { gracePeriodSeconds: 0 }]) {
        const key = await createKey(h, { name: `k${body ? 0 : 1}` });
        const rolled = (await regenerate(h, key.id, body)).json();
        assert.deepEqual(await verify(h, { key: key.secret }), { valid: false, code: 'NOT_FOUND' });
        assert.equal(errorCode(await h.call('GET', '/v1/keys', key.secret)), 'AUTH_INVALID');
        assert.equal(await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(key.secret)), null);
        assert.equal((await verify(h, { key: rolled.secret })).code, 'VALID');
      }
    });

    it("never lets a grace period outlive the key's own expiry, nor extend an earlier one", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const expiresAt = new Date(h.clock.now() + 10 * 60_000).toISOString();
      const key = await createKey(h, { name: 'short', expiresAt });
      const rolled = (await regenerate(h, key.id, { gracePeriodSeconds: 86_400 })).json();
      assert.equal(await secretEnd(h, key.secret), Date.parse(expiresAt));
      h.clock.advance(10 * 60_000);
      assert.equal((await verify(h, { key: key.secret })).code, 'EXPIRED');
      assert.equal((await verify(h, { key: rolled.secret })).code, 'EXPIRED');

      // Rolling twice: the first secret keeps its earlier end, the second gets the new grace period.
      const other = await createKey(h, { name: 'twice' });
      const second = (await regenerate(h, other.id, { gracePeriodSeconds: 3600 })).json();
      h.clock.advance(60_000);
      const third = (await regenerate(h, other.id, { gracePeriodSeconds: 7200 })).json();
      assert.equal(await secretEnd(h, other.secret), h.clock.now() - 60_000 + HOUR);
      assert.equal(await secretEnd(h, second.secret), h.clock.now() + 2 * HOUR);
      assert.equal(await secretEnd(h, third.secret), null);
      h.clock.advance(HOUR);
      assert.equal((await verify(h, { key: other.secret })).code, 'EXPIRED');
      assert.equal((await verify(h, { key: second.secret })).code, 'VALID');
      assert.equal((await verify(h, { key: third.secret })).code, 'VALID');
    });

    it('refuses a grace period over 30 days or negative with 400', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k' });
      for (const gracePeriodSeconds of [2_592_001, -1, 1.5, 'soon']) {
        const response = await regenerate(h, key.id, { gracePeriodSeconds });
        assert.equal(response.statusCode, 400, String(gracePeriodSeconds));
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');
      assert.equal((await regenerate(h, key.id, { gracePeriodSeconds: 2_592_000 })).statusCode, 200);
    });

    it('will not hand a caller the secret of a key stronger than itself (403 PERMISSION_ESCALATION, nothing changed)', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const writer = await createKey(h, { name: 'writer', permissions: ['latchkey:keys:write'] });
      const expiring = await createKey(h, { name: 'expiring', permissions: ['*'], expiresIn: '30d' });
      const ownerKeyId = (await verify(h, { key: h.ownerKey })).keyId;
      const weak = await createKey(h, { name: 'weak', permissions: ['latchkey:keys:read'] });
      const forever = await createKey(h, { name: 'forever' });

      for (const [caller, target] of [[writer.secret, ownerKeyId], [expiring.secret, forever.id]] as const) {
        const before = await storedKey(h, target);
        const response = await regenerate(h, target, {}, caller);
        assert.equal(response.statusCode, 403);
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION');
        assert.equal(response.json().secret, undefined);
        assert.deepEqual(await storedKey(h, target), before);
        const bulk = await h.call('POST', '/v1/keys/bulk', caller, { action: 'regenerate', ids: [weak.id, target] });
        assert.equal(errorCode(bulk), 'PERMISSION_ESCALATION');
      }
      assert.equal((await verify(h, { key: h.ownerKey })).code, 'VALID');
      assert.equal((await verify(h, { key: forever.secret })).code, 'VALID');
      assert.equal((await verify(h, { key: weak.secret })).code, 'VALID');

      // Within its own grant it may roll: the weaker key, and itself.
      const own = await regenerate(h, weak.id, {}, writer.secret);
      assert.equal(own.statusCode, 200);
      const self = await regenerate(h, writer.id, {}, writer.secret);
      assert.equal(self.statusCode, 200);
      assert.equal((await verify(h, { key: self.json().secret })).code, 'VALID');
    });
  });
}
