import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruKeyCache } from '../../src/adapters/in-process/lru-key-cache.js';
import type { ApiKey } from '../../src/domain/api-key.js';
import type { ResolvedKey } from '../../src/ports/key-cache.js';

function entry(id: string, options: { orgId?: string; ownerUserId?: string | null; loadedAt?: number } = {}): ResolvedKey {
  const key = { id, orgId: options.orgId ?? 'org_1', ownerUserId: options.ownerUserId ?? null } as unknown as ApiKey;
  return { key, secretExpiresAt: null, ownerRole: null, ipMatcher: null, loadedAt: options.loadedAt ?? 0 };
}

describe('LruKeyCache', () => {
  it('drops a set whose generation predates an invalidation of any key, or a clear', () => {
    const cache = new LruKeyCache(10, 60_000);
    const loaded = entry('key_1');
    for (const invalidate of [() => cache.invalidateKeys(['key_other']), () => cache.invalidateMember('org_1', 'usr_x'), () => cache.clear()]) {
      const generation = cache.generation;
      invalidate();
      cache.set('digest', loaded, generation);
      assert.equal(cache.get('digest', 0), undefined);
    }
    cache.set('digest', loaded, cache.generation);
    assert.equal(cache.get('digest', 0), loaded);
  });

  it('past its capacity evicts the least recently used entry, where a read counts as a use', () => {
    const cache = new LruKeyCache(2, 60_000);
    cache.set('a', entry('key_a'), cache.generation);
    cache.set('b', entry('key_b'), cache.generation);
    assert.ok(cache.get('a', 0), 'reading a makes b the oldest');
    cache.set('c', entry('key_c'), cache.generation);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b', 0), undefined);
    assert.ok(cache.get('a', 0));
    assert.ok(cache.get('c', 0));
    // An evicted entry leaves no trace in the indexes: invalidating its key drops nothing else.
    cache.invalidateKeys(['key_b']);
    assert.equal(cache.size, 2);
  });

  it('serves an entry until its time to live has passed since it was loaded, reads do not extend it', () => {
    const cache = new LruKeyCache(10, 1_000);
    cache.set('a', entry('key_a', { loadedAt: 5_000 }), cache.generation);
    assert.ok(cache.get('a', 5_900));
    assert.ok(cache.get('a', 6_000), 'exactly the time to live is still fresh');
    assert.equal(cache.get('a', 6_001), undefined);
    assert.equal(cache.size, 0, 'an expired entry is dropped when read');
  });

  it('invalidating a key drops every secret of it; invalidating a member drops only the tokens that member owns there', () => {
    const cache = new LruKeyCache(10, 60_000);
    cache.set('current', entry('key_1'), cache.generation);
    cache.set('rolled-away', entry('key_1'), cache.generation);
    cache.set('other', entry('key_2'), cache.generation);
    cache.set('token', entry('pat_1', { ownerUserId: 'usr_1' }), cache.generation);
    cache.set('token-elsewhere', entry('pat_2', { orgId: 'org_2', ownerUserId: 'usr_1' }), cache.generation);
    cache.invalidateKeys(['key_1']);
    assert.equal(cache.get('current', 0), undefined);
    assert.equal(cache.get('rolled-away', 0), undefined);
    assert.ok(cache.get('other', 0));
    cache.invalidateMember('org_1', 'usr_1');
    assert.equal(cache.get('token', 0), undefined);
    assert.ok(cache.get('token-elsewhere', 0), 'the same user in another organization keeps their token');
    assert.equal(cache.size, 2);
  });

  it('a digest stored again for another key answers to the new key only', () => {
    const cache = new LruKeyCache(10, 60_000);
    cache.set('d', entry('key_old', { ownerUserId: 'usr_1' }), cache.generation);
    const replacement = entry('key_new');
    cache.set('d', replacement, cache.generation);
    cache.invalidateKeys(['key_old']);
    cache.invalidateMember('org_1', 'usr_1');
    assert.equal(cache.get('d', 0), replacement);
    cache.invalidateKeys(['key_new']);
    assert.equal(cache.get('d', 0), undefined);
  });

  it('with capacity 0 caches nothing', () => {
    const cache = new LruKeyCache(0, 60_000);
    cache.set('a', entry('key_a'), cache.generation);
    assert.equal(cache.get('a', 0), undefined);
    assert.equal(cache.size, 0);
  });
});
