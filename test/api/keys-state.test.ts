import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKey, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const DAY = 86_400_000;

for (const database of TEST_DATABASES) {
  describe(`${database}: API key names and states`, () => {
    it('refuses a second active org key with the same name (any case) with 409 NAME_TAKEN; revoking frees the name', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const first = await createKey(h, { name: 'Deploy bot' });
      const other = await createKey(h, { name: 'other' });

      for (const name of ['Deploy bot', 'deploy BOT']) {
        const taken = await h.call('POST', '/v1/keys', h.ownerKey, { name, permissions: ['latchkey:keys:read'] });
        assert.equal(taken.statusCode, 409);
        assert.equal(errorCode(taken), 'NAME_TAKEN');
        assert.equal(taken.json().error.details.field, 'name');
      }
      const rename = await h.call('PATCH', `/v1/keys/${other.id}`, h.ownerKey, { name: 'DEPLOY BOT' });
      assert.equal(rename.statusCode, 409);
      assert.equal(errorCode(rename), 'NAME_TAKEN');
      assert.equal((await storedKey(h, other.id))?.name, 'other');
      const listed = await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', search: 'deploy', now: h.clock.now(), limit: 10 });
      assert.deepEqual(listed.map((k) => k.id), [first.id]);

      // A disabled key still holds its name; only revocation frees it.
      await h.call('POST', `/v1/keys/${first.id}/disable`, h.ownerKey);
      assert.equal((await h.call('POST', '/v1/keys', h.ownerKey, { name: 'deploy bot', permissions: ['latchkey:keys:read'] })).statusCode, 409);
      await h.call('POST', `/v1/keys/${first.id}/revoke`, h.ownerKey);
      const reused = await createKey(h, { name: 'deploy bot' });
      assert.notEqual(reused.id, first.id);
      const renamedToo = await h.call('PATCH', `/v1/keys/${other.id}`, h.ownerKey, { name: 'Deploy bot' });
      assert.equal(errorCode(renamedToo), 'NAME_TAKEN');
      const all = await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', search: 'deploy bot', now: h.clock.now(), limit: 10 });
      assert.deepEqual(all.map((k) => [k.id, k.revokedAt !== null]).sort(), [[first.id, true], [reused.id, false]].sort());
    });

    it('a disabled key verifies as DISABLED and cannot call the API (401 AUTH_DISABLED); enabling restores both', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k', permissions: ['latchkey:keys:read'] });
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');

      const disabled = await h.call('POST', `/v1/keys/${key.id}/disable`, h.ownerKey);
      assert.equal(disabled.statusCode, 200);
      assert.deepEqual([disabled.json().enabled, disabled.json().status], [false, 'disabled']);
      assert.equal((await storedKey(h, key.id))?.enabled, false);
      const answer = await verify(h, { key: key.secret });
      assert.deepEqual([answer.valid, answer.code, answer.keyId], [false, 'DISABLED', key.id]);
      const call = await h.call('GET', '/v1/keys', key.secret);
      assert.equal(call.statusCode, 401);
      assert.equal(errorCode(call), 'AUTH_DISABLED');
      assert.match(String(call.headers['www-authenticate']), /error="invalid_token"/);

      // Disabling twice is harmless and leaves one audit event.
      assert.equal((await h.call('POST', `/v1/keys/${key.id}/disable`, h.ownerKey)).statusCode, 200);
      const enabled = await h.call('POST', `/v1/keys/${key.id}/enable`, h.ownerKey);
      assert.deepEqual([enabled.json().enabled, enabled.json().status], [true, 'active']);
      assert.equal((await storedKey(h, key.id))?.enabled, true);
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');
      assert.equal((await h.call('GET', '/v1/keys', key.secret)).statusCode, 200);
      const events = await h.storage.repos.audit.list({ orgId: h.orgId, targetId: key.id, limit: 10 });
      assert.deepEqual(events.map((e) => e.action).sort(), ['key.created', 'key.disabled', 'key.enabled']);

      // PATCH {enabled} is the same switch.
      const patched = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { enabled: false });
      assert.equal(patched.json().status, 'disabled');
      assert.equal((await verify(h, { key: key.secret })).code, 'DISABLED');
    });

    it('30d and 90d presets set the expiry exactly; past it the key is EXPIRED and gets 401 AUTH_EXPIRED', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const now = h.clock.now();
      const thirty = await createKey(h, { name: 'thirty', expiresIn: '30d' });
      const ninety = await createKey(h, { name: 'ninety', expiresIn: '90d' });
      const never = await createKey(h, { name: 'never', expiresIn: 'never' });
      const at = await createKey(h, { name: 'at', expiresAt: '2026-02-01T00:00:00Z' });
      assert.equal(thirty.expiresAt, new Date(now + 30 * DAY).toISOString());
      assert.equal(ninety.expiresAt, new Date(now + 90 * DAY).toISOString());
      assert.equal(never.expiresAt, null);
      assert.equal(at.expiresAt, '2026-02-01T00:00:00.000Z');
      assert.equal((await storedKey(h, thirty.id))?.expiresAt, now + 30 * DAY);
      assert.equal((await storedKey(h, ninety.id))?.expiresAt, now + 90 * DAY);

      const both = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'both', permissions: ['latchkey:keys:read'], expiresIn: '30d', expiresAt: '2026-03-01T00:00:00Z' });
      assert.equal(errorCode(both), 'VALIDATION_FAILED');
      const past = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'past', permissions: ['latchkey:keys:read'], expiresAt: '2025-12-31T00:00:00Z' });
      assert.equal(errorCode(past), 'EXPIRY_IN_PAST');
      const farFuture = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'far', permissions: ['latchkey:keys:read'], expiresAt: '+275760-09-13T00:00:00Z' });
      assert.equal(errorCode(farFuture), 'VALIDATION_FAILED');

      // One millisecond before the end it still works; at the end it does not.
      h.clock.advance(30 * DAY - 1);
      assert.equal((await verify(h, { key: thirty.secret })).code, 'VALID');
      assert.equal((await h.call('GET', '/v1/keys', thirty.secret)).statusCode, 200);
      h.clock.advance(1);
      const expired = await verify(h, { key: thirty.secret });
      assert.deepEqual([expired.valid, expired.code, expired.keyId], [false, 'EXPIRED', thirty.id]);
      const call = await h.call('GET', '/v1/keys', thirty.secret);
      assert.equal(call.statusCode, 401);
      assert.equal(errorCode(call), 'AUTH_EXPIRED');
      assert.equal((await h.call('GET', `/v1/keys/${thirty.id}`, h.ownerKey)).json().status, 'expired');
      assert.equal((await verify(h, { key: ninety.secret })).code, 'VALID');

      // Expiry is terminal: an expired key's expiry cannot be moved, to a later time or to never (409 KEY_EXPIRED).
      for (const expiresAt of [new Date(h.clock.now() + DAY).toISOString(), null]) {
        const revived = await h.call('PATCH', `/v1/keys/${thirty.id}`, h.ownerKey, { expiresAt });
        assert.equal(revived.statusCode, 409, revived.body);
        assert.deepEqual([errorCode(revived), revived.json().error.details], ['KEY_EXPIRED', { field: 'expiresAt' }]);
      }
      assert.equal((await storedKey(h, thirty.id))?.expiresAt, h.clock.now());
      assert.equal((await verify(h, { key: thirty.secret })).code, 'EXPIRED');
      // Neither enabling nor rolling brings it back: the new secret carries the same, past, expiry.
      assert.equal((await h.call('POST', `/v1/keys/${thirty.id}/enable`, h.ownerKey)).json().status, 'expired');
      const rolled = await h.call('POST', `/v1/keys/${thirty.id}/regenerate`, h.ownerKey, {});
      assert.equal(rolled.statusCode, 200, rolled.body);
      assert.deepEqual([rolled.json().status, rolled.json().expiresAt], ['expired', new Date(h.clock.now()).toISOString()]);
      assert.equal((await verify(h, { key: rolled.json().secret })).code, 'EXPIRED');
      h.clock.advance(60 * DAY);
      assert.equal((await verify(h, { key: ninety.secret })).code, 'EXPIRED');
      assert.equal((await verify(h, { key: never.secret })).code, 'VALID');
    });

    it('deleting a key removes it and its secrets; it then verifies as NOT_FOUND and reads as 404', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'gone' });
      assert.equal((await verify(h, { key: key.secret })).code, 'VALID');
      const deleted = await h.call('DELETE', `/v1/keys/${key.id}`, h.ownerKey);
      assert.equal(deleted.statusCode, 204);
      assert.equal(await storedKey(h, key.id), null);
      assert.equal(await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(key.secret)), null);
      assert.deepEqual(await verify(h, { key: key.secret }), { valid: false, code: 'NOT_FOUND' });
      assert.equal((await h.call('GET', `/v1/keys/${key.id}`, h.ownerKey)).statusCode, 404);
      assert.equal((await h.call('DELETE', `/v1/keys/${key.id}`, h.ownerKey)).statusCode, 404);
      const events = await h.storage.repos.audit.list({ orgId: h.orgId, targetId: key.id, action: 'key.deleted', limit: 10 });
      assert.equal(events.length, 1);
    });
  });
}
