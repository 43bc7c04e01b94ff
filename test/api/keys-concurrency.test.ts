import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayStart } from '../../src/domain/token-format.js';
import { addProject, createKey, errorCode, insertKeys, verify } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * Real concurrent requests against a real database: every request is in flight at once, and on PostgreSQL they
 * run on separate pooled connections, so transactions truly interleave. (SQLite's single connection serialises
 * them; the same assertions must hold there too.)
 */

/** Moves the test clock forward on every turn of the event loop, so requests started at different moments read different times. */
function tickingClock(h: TestApp): () => void {
  let running = true;
  const tick = () => {
    if (!running) return;
    h.clock.advance(1);
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    running = false;
  };
}

for (const database of TEST_DATABASES) {
  describe(`${database}: concurrent changes to keys have one winner`, () => {
    it('ten concurrent regenerations without grace leave exactly one working secret, the one the last roll returned', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'rolled' });
      const responses = await Promise.all(Array.from({ length: 10 }, () => h.call('POST', `/v1/keys/${key.id}/regenerate`, h.ownerKey, {})));
      for (const response of responses) assert.equal(response.statusCode, 200, response.body);
      const secrets = responses.map((r) => r.json().secret as string);
      assert.equal(new Set(secrets).size, 10);
      const codes = await Promise.all([key.secret, ...secrets].map(async (secret) => (await verify(h, { key: secret })).code));
      assert.equal(codes.filter((c) => c === 'VALID').length, 1, codes.join(' '));
      assert.equal(codes[0], 'NOT_FOUND');
      // The stored display start belongs to the one secret that works.
      const working = secrets[codes.indexOf('VALID') - 1]!;
      assert.equal((await h.storage.repos.keys.findById(h.orgId, key.id))?.start, displayStart(working));
    });

    it('with a grace period, concurrent regenerations leave one current secret; once the grace ends only it works', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'rolled with grace' });
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => h.call('POST', `/v1/keys/${key.id}/regenerate`, h.ownerKey, { gracePeriodSeconds: 60 })),
      );
      for (const response of responses) assert.equal(response.statusCode, 200, response.body);
      const all = [key.secret, ...responses.map((r) => r.json().secret as string)];
      h.clock.advance(60_000);
      const codes = await Promise.all(all.map(async (secret) => (await verify(h, { key: secret })).code));
      assert.equal(codes.filter((c) => c === 'VALID').length, 1, codes.join(' '));
      assert.equal(codes.filter((c) => c === 'EXPIRED').length, 10, codes.join(' '));
    });

    it('updates racing a bulk revoke never write to a revoked key: each either lands before the revoke or is 409 KEY_REVOKED', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = await insertKeys(h, 300);
      const ids = keys.map((k) => k.id);
      const stop = tickingClock(h);
      const patch = (id: string) => h.call('PATCH', `/v1/keys/${id}`, h.ownerKey, { name: `renamed ${id}` });
      const first = ids.slice(0, 150).map(patch);
      const revoke = h.call('POST', '/v1/keys/bulk', h.ownerKey, { action: 'revoke', ids });
      const second = ids.slice(150).map(patch);
      const [revoked, ...updates] = await Promise.all([revoke, ...first, ...second]);
      stop();
      assert.equal(revoked!.statusCode, 200, revoked!.body);
      let landed = 0;
      for (const response of updates) {
        if (response.statusCode === 200) landed++;
        else assert.deepEqual([response.statusCode, errorCode(response)], [409, 'KEY_REVOKED'], response.body);
      }
      const stored = await h.storage.repos.keys.findManyByIds(h.orgId, ids, 'org_key');
      for (const key of stored) {
        assert.notEqual(key.revokedAt, null);
        // The revoke stamps updatedAt with revokedAt; a write after it would have moved updatedAt on.
        assert.equal(key.updatedAt, key.revokedAt, `${key.id} was written after its revocation`);
      }
      const renamed = stored.filter((k) => k.name.startsWith('renamed ')).length;
      assert.equal(renamed, landed);
      assert.equal((await h.storage.repos.audit.list({ orgId: h.orgId, action: 'key.updated', limit: 1000 })).length, landed);
    });

    it('deleting a project while keys are created and narrowed to it: no 5xx, no key left live without a project', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [p, q] = [await addProject(h, 'doomed'), await addProject(h, 'kept')];
      const only = await insertKeys(h, 20, { projectIds: [p] });
      const both = await insertKeys(h, 20, { projectIds: [p, q] });
      const creates = Array.from({ length: 30 }, (_, i) => h.call('POST', '/v1/keys', h.ownerKey, { name: `new ${i}`, permissions: ['latchkey:keys:read'], projectIds: [p] }));
      const narrows = both.slice(0, 10).map((k) => h.call('PATCH', `/v1/keys/${k.id}`, h.ownerKey, { projectIds: [p] }));
      const deleted = h.call('DELETE', `/v1/projects/${p}`, h.ownerKey);
      const late = [
        ...Array.from({ length: 10 }, (_, i) => h.call('POST', '/v1/keys', h.ownerKey, { name: `late ${i}`, permissions: ['latchkey:keys:read'], projectIds: [p, q] })),
        ...both.slice(10).map((k) => h.call('PATCH', `/v1/keys/${k.id}`, h.ownerKey, { projectIds: [p] })),
      ];
      const [gone, ...responses] = await Promise.all([deleted, ...creates, ...narrows, ...late]);
      assert.equal(gone!.statusCode, 204, gone!.body);
      for (const response of responses) {
        assert.ok(response.statusCode < 500, response.body);
        if (response.statusCode >= 400) {
          assert.ok(['UNKNOWN_PROJECT', 'CONCURRENT_CHANGE'].includes(errorCode(response)), response.body);
        }
      }
      const all = await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', now: h.clock.now(), limit: 1000 });
      for (const key of all) {
        assert.ok(!(key.projectIds ?? []).includes(p), `${key.name} still names the deleted project`);
        if (key.projectIds !== null && key.projectIds.length === 0) assert.notEqual(key.revokedAt, null, `${key.name} is live with no project`);
      }
      for (const { id } of only) assert.notEqual(all.find((k) => k.id === id)?.revokedAt, null);
      assert.equal(await h.storage.repos.projects.findById(h.orgId, p), null);
    });
  });
}
