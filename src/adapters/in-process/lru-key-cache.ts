import { LRUCache } from 'lru-cache';
import type { KeyCache, ResolvedKey } from '../../ports/key-cache.js';

/**
 * lru-cache keeps recency and capacity; around it, reverse indexes let a change to a key or to a member's role
 * drop exactly the entries it affects, and a generation counter stops a lookup that started before an
 * invalidation from caching what it read. Freshness is judged against the caller's clock (`now`, the service
 * clock tests control) rather than lru-cache's own timer, so the check stays here.
 */
export class LruKeyCache implements KeyCache {
  private readonly byDigest: LRUCache<string, ResolvedKey> | null;
  private readonly digestsByKey = new Map<string, Set<string>>();
  private readonly keysByMember = new Map<string, Set<string>>();
  private generationValue = 0;
  readonly lookups = { hits: 0, misses: 0 };

  constructor(
    capacity: number,
    private readonly ttlMs: number,
  ) {
    // lru-cache refuses max 0; a cache of size 0 (LATCHKEY_KEY_CACHE_SIZE=0) holds nothing.
    // Every way an entry leaves (eviction, replacement, delete, clear) goes through dispose, which keeps the indexes true.
    this.byDigest = capacity === 0 ? null : new LRUCache({ max: capacity, dispose: (entry, digest) => this.unindex(entry, digest) });
  }

  get generation(): number {
    return this.generationValue;
  }

  get size(): number {
    return this.byDigest?.size ?? 0;
  }

  get(digest: string, now: number): ResolvedKey | undefined {
    const entry = this.byDigest?.get(digest);
    if (!entry) {
      this.lookups.misses++;
      return undefined;
    }
    if (now - entry.loadedAt > this.ttlMs) {
      this.byDigest!.delete(digest);
      this.lookups.misses++;
      return undefined;
    }
    this.lookups.hits++;
    return entry;
  }

  set(digest: string, entry: ResolvedKey, generationAtLoad: number): void {
    if (!this.byDigest || generationAtLoad !== this.generationValue) return;
    // Indexed after set: replacing a digest's entry disposes the old one, which unindexes it.
    this.byDigest.set(digest, entry);
    addTo(this.digestsByKey, entry.key.id, digest);
    if (entry.key.ownerUserId) addTo(this.keysByMember, memberKey(entry.key.orgId, entry.key.ownerUserId), entry.key.id);
  }

  invalidateKeys(keyIds: readonly string[]): void {
    this.generationValue++;
    for (const id of keyIds) {
      const digests = this.digestsByKey.get(id);
      if (!digests) continue;
      for (const digest of [...digests]) this.byDigest?.delete(digest);
    }
  }

  invalidateMember(orgId: string, userId: string): void {
    const keyIds = this.keysByMember.get(memberKey(orgId, userId));
    this.invalidateKeys(keyIds ? [...keyIds] : []);
  }

  clear(): void {
    this.generationValue++;
    this.byDigest?.clear();
    this.digestsByKey.clear();
    this.keysByMember.clear();
  }

  private unindex(entry: ResolvedKey, digest: string): void {
    removeFrom(this.digestsByKey, entry.key.id, digest);
    if (!this.digestsByKey.has(entry.key.id) && entry.key.ownerUserId) {
      removeFrom(this.keysByMember, memberKey(entry.key.orgId, entry.key.ownerUserId), entry.key.id);
    }
  }
}

function memberKey(orgId: string, userId: string): string {
  return `${orgId}:${userId}`;
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
