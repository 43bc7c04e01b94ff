import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: API key lifecycle`, () => {
    it('creates a key whose secret is shown once, verifies it, revokes it, and the next verification fails', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());

      const created = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'CI pipeline', permissions: ['latchkey:keys:read'], expiresIn: '30d' });
      assert.equal(created.statusCode, 201);
      assert.equal(created.headers['cache-control'], 'no-store');
      const key = created.json();
      // Read permissions only: a read-only key (docs/permissions.md).
      assert.match(key.secret, /^lk_ro_[A-Za-z0-9]{38}$/);
      assert.equal(key.start, key.secret.slice(0, 'lk_ro_'.length + 4));
      assert.equal(key.status, 'active');

      const read = await h.call('GET', `/v1/keys/${key.id}`, h.ownerKey);
      assert.equal(read.statusCode, 200);
      assert.equal(read.json().secret, undefined);
      assert.ok(!read.body.includes(key.secret));

      const ok = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: key.secret, permissions: 'latchkey:keys:read' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual([ok.json().valid, ok.json().code, ok.json().keyId], [true, 'VALID', key.id]);

      const revoked = await h.call('POST', `/v1/keys/${key.id}/revoke`, h.ownerKey);
      assert.equal(revoked.statusCode, 200);
      assert.equal(revoked.json().status, 'revoked');

      const after = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: key.secret });
      assert.deepEqual([after.json().valid, after.json().code], [false, 'REVOKED']);
      const used = await h.call('GET', '/v1/keys', key.secret);
      assert.equal(used.statusCode, 401);
      assert.equal(used.json().error.code, 'AUTH_REVOKED');

      const stored = await h.storage.repos.keys.findById(h.orgId, key.id);
      assert.ok(stored?.revokedAt);
    });

    it('stores only a digest: no column anywhere holds the secret', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const created = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'k', permissions: ['latchkey:keys:read'] })).json();
      const row = await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(created.secret));
      assert.equal(row?.key.id, created.id);
      const dump = JSON.stringify(await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', now: h.clock.now(), limit: 10 }));
      assert.ok(!dump.includes(created.secret.slice(12)));
    });
  });
}
