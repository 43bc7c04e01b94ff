import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { ApiKey } from '../../src/domain/api-key.js';
import { credentialState } from '../../src/domain/credential-state.js';
import { CredentialResolver } from '../../src/services/credential-resolver.js';
import { createKey, verify } from '../helpers/key-fixtures.js';
import { addMember, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Wraps a real repository method so that the call whose first argument satisfies `matches` reads storage, then
 * waits at a gate the test opens: `read` settles once the row has been read, `open()` lets the caller go on with
 * what it read. Every other call, and every later call, goes straight through. Counts the matching calls.
 */
function pauseAfterRead<T extends object, K extends keyof T>(target: T, method: K, matches: (...args: any[]) => boolean) {
  const read = deferred();
  const gate = deferred();
  const state = { calls: 0, paused: false };
  const original = (target[method] as (...args: any[]) => Promise<unknown>).bind(target);
  mock.method(target, method as never, async (...args: any[]) => {
    const result = await original(...args);
    if (!matches(...args)) return result;
    state.calls++;
    if (!state.paused) {
      state.paused = true;
      read.resolve();
      await gate.promise;
    }
    return result;
  });
  return { read: read.promise, open: gate.resolve, state };
}

async function memberToken(h: TestApp, email: string) {
  const password = 'a long enough password';
  const userId = await addMember(h, email, 'admin', password);
  const session = await signIn(h, email, password);
  const response = await sessionCall(h, session, 'POST', '/v1/tokens', { description: 'cached token' });
  assert.equal(response.statusCode, 201, response.body);
  return { userId, token: response.json() as { id: string; secret: string } };
}

for (const database of TEST_DATABASES) {
  describe(`${database}: a lookup racing an invalidation`, () => {
    it('a key revoked while its lookup is reading storage is read again, and seen revoked, by the next lookup', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      mock.restoreAll();
      t.after(() => mock.restoreAll());
      const key = await createKey(h, { name: 'racing key' });
      const digest = h.latchkey.ctx.digest(key.secret);
      const resolver = new CredentialResolver(h.latchkey.ctx);
      const lookup = pauseAfterRead(h.storage.repos.keys, 'findByDigest', (d: string) => d === digest);

      const first = resolver.resolve(key.secret);
      await lookup.read;
      // The row read says active; the revocation lands (and invalidates the cache) before the lookup finishes.
      const revoked = await h.call('POST', `/v1/keys/${key.id}/revoke`, h.ownerKey);
      assert.equal(revoked.statusCode, 200, revoked.body);
      lookup.open();
      const stale = await first;
      assert.equal(credentialState(stale, h.clock.now()), 'valid', 'the paused lookup should have read the row before the revocation');
      assert.equal(lookup.state.calls, 1);

      const next = await resolver.resolve(key.secret);
      assert.equal(lookup.state.calls, 2, 'the next lookup was served from a cache filled by the stale read');
      assert.equal(credentialState(next, h.clock.now()), 'revoked');
      assert.notEqual((await h.storage.repos.keys.findById(h.orgId, key.id))?.revokedAt, null);
      assert.deepEqual(Object.entries(await verify(h, { key: key.secret })).slice(0, 2), [['valid', false], ['code', 'REVOKED']]);
      // From now on the fresh state is cached: no further storage reads.
      await resolver.resolve(key.secret);
      assert.equal(lookup.state.calls, 2);
    });

    it("a member's role changed while their token's lookup is reading the membership is read again by the next lookup", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      mock.restoreAll();
      t.after(() => mock.restoreAll());
      const { userId, token } = await memberToken(h, 'ada@acme.test');
      const digest = h.latchkey.ctx.digest(token.secret);
      const resolver = new CredentialResolver(h.latchkey.ctx);
      const lookups = pauseAfterRead(h.storage.repos.keys, 'findByDigest', (d: string) => d === digest);
      lookups.open();
      const membership = pauseAfterRead(h.storage.repos.memberships, 'find', (_org: string, user: string) => user === userId);

      const first = resolver.resolve(token.secret);
      await membership.read;
      const demoted = await h.call('PATCH', `/v1/members/${userId}`, h.ownerKey, { role: 'viewer' });
      assert.equal(demoted.statusCode, 200, demoted.body);
      membership.open();
      assert.equal((await first)?.ownerRole, 'admin', 'the paused lookup should have read the role before the change');

      const next = await resolver.resolve(token.secret);
      assert.equal(lookups.state.calls, 2, 'the next lookup was served from a cache filled by the stale read');
      assert.equal(next?.ownerRole, 'viewer');
      assert.equal((await h.storage.repos.memberships.find(h.orgId, userId))?.role, 'viewer');
    });
  });
}
