import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import { addProject, createKey, declarePermissions, errorCode, storedKey } from '../helpers/key-fixtures.js';
import { memberPrincipal } from '../helpers/org-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

async function ownerKeyId(h: TestApp): Promise<string> {
  return (await h.call('GET', '/v1/whoami', h.ownerKey)).json().key.id;
}

/** A member added straight through storage, so these tests do not depend on how members join. */
async function insertMember(h: TestApp, role: 'member' | 'admin'): Promise<string> {
  const userId = newId('usr');
  await h.storage.repos.users.insert({ id: userId, email: `${userId.toLowerCase()}@acme.test`, name: role, passwordHash: 'x', createdAt: h.clock.now() });
  await h.storage.repos.memberships.insert({ orgId: h.orgId, userId, role, createdAt: h.clock.now() });
  return userId;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: a credential acts only on keys it holds at least`, () => {
    it("a key holding only latchkey:keys:write cannot update, disable, enable, revoke, regenerate or delete the owner's `*` key, alone or in bulk", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const narrow = await createKey(h, { name: 'narrow', permissions: ['latchkey:keys:write'] });
      const peer = await createKey(h, { name: 'peer', permissions: ['latchkey:keys:write'] });
      const ownerId = await ownerKeyId(h);
      const before = await storedKey(h, ownerId);
      const attempts: Array<[string, string, unknown]> = [
        ['PATCH', `/v1/keys/${ownerId}`, { name: 'mine now' }],
        ['POST', `/v1/keys/${ownerId}/disable`, undefined],
        ['POST', `/v1/keys/${ownerId}/enable`, undefined],
        ['POST', `/v1/keys/${ownerId}/revoke`, undefined],
        ['POST', `/v1/keys/${ownerId}/regenerate`, {}],
        ['DELETE', `/v1/keys/${ownerId}`, undefined],
        ...(['revoke', 'delete', 'disable', 'enable', 'regenerate'] as const).map((action): [string, string, unknown] => ['POST', '/v1/keys/bulk', { action, ids: [peer.id, ownerId] }]),
      ];
      for (const [method, url, body] of attempts) {
        const response = await h.call(method, url, narrow.secret, body);
        assert.equal(response.statusCode, 403, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`);
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION');
        assert.deepEqual([response.json().error.details.reason, response.json().error.details.id], ['target_exceeds_caller', ownerId]);
      }
      assert.deepEqual(await storedKey(h, ownerId), before);
      assert.equal((await storedKey(h, peer.id))?.enabled, true);
      assert.equal((await h.call('GET', '/v1/whoami', h.ownerKey)).statusCode, 200);
      assert.equal((await h.storage.repos.audit.list({ orgId: h.orgId, action: 'key.revoked', limit: 10 })).length, 0);

      // Within its own holdings it may act: on a key holding no more than it, and on itself.
      const disabled = await h.call('POST', `/v1/keys/${peer.id}/disable`, narrow.secret);
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal((await storedKey(h, peer.id))?.enabled, false);
      const renamed = await h.call('PATCH', `/v1/keys/${narrow.id}`, narrow.secret, { name: 'narrow, renamed' });
      assert.equal(renamed.statusCode, 200, renamed.body);
    });

    it('the same rule bounds every limit: a rate-limited or IP-limited key cannot revoke a key without those limits', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const target = await createKey(h, { name: 'free', permissions: ['latchkey:keys:read'] });
      for (const limit of [{ rateLimit: { limit: 10, windowMs: 60_000 } }, { ipRanges: ['127.0.0.0/8'] }, { credits: { remaining: 100 } }]) {
        const limited = await createKey(h, { name: `limited ${Object.keys(limit)[0]}`, permissions: ['latchkey:keys:write', 'latchkey:keys:read'], ...limit });
        const response = await h.call('POST', `/v1/keys/${target.id}/revoke`, limited.secret);
        assert.equal(response.statusCode, 403, response.body);
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION');
      }
      assert.equal((await storedKey(h, target.id))?.revokedAt, null);
    });

    it("an organization key with latchkey:tokens:admin but not `*` cannot revoke a member's `*` token; an admin's session can", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const userId = await insertMember(h, 'member');
      const { key: token } = await h.latchkey.tokens.create(memberPrincipal(h.orgId, userId, 'member'), { description: 'everything' }, NO_REQUEST);
      const admin = await createKey(h, { name: 'token admin', permissions: ['latchkey:tokens:admin', 'latchkey:tokens:write', 'latchkey:tokens:read'] });
      const refused = await h.call('POST', `/v1/tokens/${token.id}/revoke`, admin.secret);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(errorCode(refused), 'PERMISSION_ESCALATION');
      assert.equal((await storedKey(h, token.id))?.revokedAt, null);
      const adminId = await insertMember(h, 'admin');
      await h.latchkey.tokens.revoke(memberPrincipal(h.orgId, adminId, 'admin'), token.id, NO_REQUEST);
      assert.notEqual((await storedKey(h, token.id))?.revokedAt, null);
    });
  });

  describe(`${database}: personal tokens seen by a credential without a user`, () => {
    it('an organization key with only latchkey:tokens:read lists no tokens and reads, uses or changes none; with latchkey:tokens:admin it lists all', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const alice = await insertMember(h, 'member');
      const bob = await insertMember(h, 'member');
      const a = (await h.latchkey.tokens.create(memberPrincipal(h.orgId, alice, 'member'), { description: 'alice' }, NO_REQUEST)).key;
      const b = (await h.latchkey.tokens.create(memberPrincipal(h.orgId, bob, 'member'), { description: 'bob' }, NO_REQUEST)).key;
      const reader = await createKey(h, { name: 'reader', permissions: ['latchkey:tokens:read', 'latchkey:tokens:write'] });
      const list = await h.call('GET', '/v1/tokens', reader.secret);
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(list.json(), { items: [], nextCursor: null });
      for (const [method, url, body] of [
        ['GET', `/v1/tokens/${a.id}`, undefined],
        ['GET', `/v1/tokens/${a.id}/usage`, undefined],
        ['PATCH', `/v1/tokens/${a.id}`, { description: 'taken' }],
        ['POST', `/v1/tokens/${a.id}/disable`, undefined],
      ] as const) {
        const response = await h.call(method, url, reader.secret, body);
        assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
        assert.equal(errorCode(response), 'NOT_FOUND');
      }
      assert.deepEqual([(await storedKey(h, a.id))?.description, (await storedKey(h, a.id))?.enabled], ['alice', true]);

      const auditor = await createKey(h, { name: 'auditor', permissions: ['latchkey:tokens:read', 'latchkey:tokens:admin'] });
      const all = await h.call('GET', '/v1/tokens', auditor.secret);
      assert.deepEqual(all.json().items.map((k: { id: string }) => k.id).sort(), [a.id, b.id].sort());
      assert.equal((await h.call('GET', `/v1/tokens/${b.id}`, auditor.secret)).statusCode, 200);
    });
  });

  describe(`${database}: project visibility is all of a key's projects, never some`, () => {
    it('a key restricted to p1 cannot read, verify, update or revoke (alone or in bulk) a key spanning p1 and p2', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [p1, p2] = [await addProject(h, 'p1'), await addProject(h, 'p2')];
      const caller = await createKey(h, {
        name: 'p1 only',
        permissions: ['latchkey:keys:read', 'latchkey:keys:write', 'latchkey:keys:verify'],
        projectIds: [p1],
      });
      const wide = await createKey(h, { name: 'p1 and p2', permissions: ['latchkey:keys:read'], projectIds: [p1, p2] });
      const before = await storedKey(h, wide.id);
      for (const [method, url, body] of [
        ['GET', `/v1/keys/${wide.id}`, undefined],
        ['PATCH', `/v1/keys/${wide.id}`, { name: 'seen' }],
        ['POST', `/v1/keys/${wide.id}/revoke`, undefined],
        ['POST', '/v1/keys/bulk', { action: 'revoke', ids: [wide.id] }],
      ] as const) {
        const response = await h.call(method, url, caller.secret, body);
        assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
        assert.equal(errorCode(response), 'NOT_FOUND');
      }
      const verified = await h.call('POST', '/v1/keys/verify', caller.secret, { key: wide.secret });
      assert.equal(verified.statusCode, 200);
      assert.deepEqual([verified.json().valid, verified.json().code, verified.json().keyId], [false, 'NOT_FOUND', undefined]);
      assert.deepEqual(await storedKey(h, wide.id), before);
      // The owner sees it VALID: the answer above is about the caller, not the key.
      assert.equal((await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: wide.secret })).json().code, 'VALID');
    });
  });

  describe(`${database}: the catalog is organization-wide`, () => {
    it('a project-restricted key cannot declare or remove catalog permissions (403 project_restricted), and nothing changes', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h, ['reports:read']);
      const p1 = await addProject(h, 'p1');
      const restricted = await createKey(h, { name: 'restricted', permissions: ['latchkey:permissions:write', 'latchkey:permissions:read'], projectIds: [p1] });
      const declared = await h.call('POST', '/v1/permissions', restricted.secret, { name: 'exports:run', description: 'x' });
      const removed = await h.call('DELETE', '/v1/permissions/reports:read', restricted.secret);
      for (const response of [declared, removed]) {
        assert.equal(response.statusCode, 403, response.body);
        assert.deepEqual([errorCode(response), response.json().error.details], ['PERMISSION_DENIED', { reason: 'project_restricted' }]);
      }
      assert.deepEqual((await h.storage.repos.permissions.list(h.orgId)).map((p) => p.name), ['reports:read']);
    });
  });
}
