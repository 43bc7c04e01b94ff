import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../src/domain/api-key.js';
import { newId } from '../../src/domain/ids.js';
import { addOrganization, createKey, errorCode, insertKeys, verify } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

async function bulk(h: TestApp, body: Record<string, unknown>, caller = h.ownerKey) {
  return h.call('POST', '/v1/keys/bulk', caller, body);
}

/** Every key of the organization as stored, by id, for before/after comparisons. */
async function snapshot(h: TestApp, orgId = h.orgId): Promise<Map<string, ApiKey>> {
  const keys = await h.storage.repos.keys.list({ orgId, kind: 'org_key', now: h.clock.now(), limit: 10_000 });
  return new Map(keys.map((k) => [k.id, k]));
}

for (const database of TEST_DATABASES) {
  describe(`${database}: bulk actions on API keys`, () => {
    it('applies each action to every key and reports a result per key', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = await Promise.all([1, 2, 3, 4].map((i) => createKey(h, { name: `k${i}` })));
      const ids = keys.map((k) => k.id);
      await h.call('POST', `/v1/keys/${ids[0]}/disable`, h.ownerKey);
      h.clock.advance(1000);

      const disabled = await bulk(h, { action: 'disable', ids });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.deepEqual(disabled.json().results, ids.map((id, i) => ({ id, outcome: i === 0 ? 'unchanged' : 'disabled' })));
      for (const key of (await snapshot(h)).values()) if (ids.includes(key.id)) assert.equal(key.enabled, false);

      const enabled = (await bulk(h, { action: 'enable', ids: ids.slice(0, 2) })).json();
      assert.deepEqual(enabled.results.map((r: { outcome: string }) => r.outcome), ['enabled', 'enabled']);
      const states = await snapshot(h);
      assert.deepEqual(ids.map((id) => states.get(id)?.enabled), [true, true, false, false]);

      const rolled = await bulk(h, { action: 'regenerate', ids, gracePeriodSeconds: 60 });
      assert.equal(rolled.statusCode, 200);
      const results = rolled.json().results as Array<{ id: string; outcome: string; secret: string }>;
      assert.deepEqual(results.map((r) => [r.id, r.outcome]), ids.map((id) => [id, 'regenerated']));
      for (const [i, r] of results.entries()) {
        assert.match(r.secret, /^lk_ro_/); // read permissions only: the key's ro type is kept
        assert.equal((await verify(h, { key: r.secret })).keyId, ids[i]);
        assert.equal((await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(keys[i]!.secret)))?.secretExpiresAt, h.clock.now() + 60_000);
      }

      await h.call('POST', `/v1/keys/${ids[3]}/revoke`, h.ownerKey);
      const revoked = (await bulk(h, { action: 'revoke', ids: [...ids, ids[0]] })).json();
      assert.deepEqual(revoked.results.map((r: { outcome: string }) => r.outcome), ['revoked', 'revoked', 'revoked', 'unchanged']);
      for (const id of ids) assert.ok((await snapshot(h)).get(id)?.revokedAt);
      for (const r of results) assert.equal((await verify(h, { key: r.secret })).code, 'REVOKED');

      const deleted = (await bulk(h, { action: 'delete', ids })).json();
      assert.deepEqual(deleted.results, ids.map((id) => ({ id, outcome: 'deleted' })));
      const left = await snapshot(h);
      for (const id of ids) assert.equal(left.has(id), false);
      const events = await h.storage.repos.audit.list({ orgId: h.orgId, action: 'key.deleted', limit: 10 });
      assert.equal(events.length, 4);
    });

    it("is all or nothing: an unknown id or another organization's key is 404 and nothing changes", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = await insertKeys(h, 5);
      const other = await addOrganization(h, 'Globex');
      const otherKey = await createKey(h, { name: 'theirs' }, other.ownerKey);
      const before = await snapshot(h);
      const theirsBefore = await snapshot(h, other.orgId);
      const auditBefore = (await h.storage.repos.audit.list({ orgId: h.orgId, limit: 1000 })).length;

      for (const stranger of [newId('key'), otherKey.id]) {
        for (const action of ['revoke', 'delete', 'regenerate', 'enable', 'disable']) {
          const response = await bulk(h, { action, ids: [...keys.map((k) => k.id), stranger] });
          assert.equal(response.statusCode, 404, `${action} ${stranger}`);
          assert.equal(errorCode(response), 'NOT_FOUND');
          assert.deepEqual(response.json().error.details, { ids: [stranger] });
        }
      }
      assert.deepEqual(await snapshot(h), before);
      assert.deepEqual(await snapshot(h, other.orgId), theirsBefore);
      assert.equal((await h.storage.repos.audit.list({ orgId: h.orgId, limit: 1000 })).length, auditBefore);
      for (const k of keys) assert.equal((await verify(h, { key: k.secret })).code, 'VALID');
      assert.equal((await verify(h, { key: otherKey.secret }, other.ownerKey)).code, 'VALID');
    });

    it('refuses to enable, disable or regenerate a set holding a revoked key (409) and changes none of them', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = await insertKeys(h, 4, { enabled: false });
      await h.call('POST', `/v1/keys/${keys[2]!.id}/revoke`, h.ownerKey);
      const before = await snapshot(h);
      for (const action of ['enable', 'disable', 'regenerate']) {
        const response = await bulk(h, { action, ids: keys.map((k) => k.id) });
        assert.equal(response.statusCode, 409, action);
        assert.equal(errorCode(response), 'KEY_REVOKED');
        assert.deepEqual(response.json().error.details, { ids: [keys[2]!.id] });
      }
      assert.deepEqual(await snapshot(h), before);
      for (const k of keys) {
        const stored = before.get(k.id)!;
        assert.equal(stored.enabled, false);
        assert.equal(await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(k.secret)).then((f) => f?.secretExpiresAt), null);
      }
    });

    it('refuses more ids than LATCHKEY_BULK_MAX with 400 BULK_LIMIT_EXCEEDED, and needs latchkey:keys:write', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'reader', permissions: ['latchkey:keys:read'] });
      const ids = [key.id, ...Array.from({ length: h.config.bulkMax }, () => newId('key'))];
      const tooMany = await bulk(h, { action: 'revoke', ids });
      assert.equal(tooMany.statusCode, 400);
      assert.equal(errorCode(tooMany), 'BULK_LIMIT_EXCEEDED');
      assert.deepEqual(tooMany.json().error.details, { max: h.config.bulkMax, given: h.config.bulkMax + 1 });
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');

      for (const body of [{ action: 'revoke', ids: [] }, { action: 'explode', ids: [key.id] }, { action: 'revoke', ids: ['key_short'] }, { action: 'revoke' }]) {
        const response = await bulk(h, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      const denied = await bulk(h, { action: 'revoke', ids: [key.id] }, key.secret);
      assert.equal(denied.statusCode, 403);
      assert.equal(errorCode(denied), 'PERMISSION_DENIED');
      assert.match(String(denied.headers['www-authenticate']), /error="insufficient_scope", scope="latchkey:keys:write"/);
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');
    });

    it('spans several storage statements when one request names more keys than a statement holds', async (t) => {
      // 5,001 keys: one more than a statement's worth, so every chunked read and write runs twice.
      const h = await createTestApp(database, { env: { LATCHKEY_BULK_MAX: '5001' } });
      t.after(() => h.close());
      const keys = await insertKeys(h, 5001);
      const ids = keys.map((k) => k.id);
      const rolled = await bulk(h, { action: 'regenerate', ids, gracePeriodSeconds: 60 });
      assert.equal(rolled.statusCode, 200);
      const secrets: string[] = rolled.json().results.map((r: { secret: string }) => r.secret);
      assert.equal(new Set(secrets).size, 5001);
      const revoked = await bulk(h, { action: 'revoke', ids });
      assert.equal(revoked.statusCode, 200);
      assert.ok(revoked.json().results.every((r: { outcome: string }) => r.outcome === 'revoked'));
      for (const index of [0, 4999, 5000]) {
        assert.equal((await verify(h, { key: secrets[index]! })).code, 'REVOKED');
        assert.equal((await verify(h, { key: keys[index]!.secret })).code, 'REVOKED', 'the rolled-away secret too');
      }
      assert.ok([...(await snapshot(h)).values()].filter((k) => ids.includes(k.id)).every((k) => k.revokedAt === h.clock.now()));
    });

    it('handles 1,000 keys in one request: disable, regenerate and revoke', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = await insertKeys(h, h.config.bulkMax);
      const ids = keys.map((k) => k.id);

      const disabled = await bulk(h, { action: 'disable', ids });
      assert.equal(disabled.statusCode, 200);
      assert.equal(disabled.json().results.length, 1000);
      assert.ok([...(await snapshot(h)).values()].filter((k) => ids.includes(k.id)).every((k) => !k.enabled));

      const rolled = await bulk(h, { action: 'regenerate', ids });
      assert.equal(rolled.statusCode, 200);
      const secrets = rolled.json().results.map((r: { secret: string }) => r.secret);
      assert.equal(new Set(secrets).size, 1000);
      assert.equal((await verify(h, { key: secrets[999] })).code, 'DISABLED');
      assert.equal((await verify(h, { key: keys[999]!.secret })).code, 'NOT_FOUND');

      const revoked = await bulk(h, { action: 'revoke', ids });
      assert.equal(revoked.statusCode, 200);
      const after = [...(await snapshot(h)).values()].filter((k) => ids.includes(k.id));
      assert.equal(after.length, 1000);
      assert.ok(after.every((k) => k.revokedAt === h.clock.now()));
      assert.equal((await h.storage.repos.audit.list({ orgId: h.orgId, action: 'key.revoked', limit: 2000 })).length, 1000);
    });
  });
}
