import type { KeyCache, ResolvedKey } from '../../ports/key-cache.js';

/**
 * An LRU map from secret digest to resolved key, with reverse indexes so a change to a key or to a member's
 * role drops exactly the entries it affects. A generation counter stops a lookup that started before an
 * invalidation from caching what it read.
 */
export class LruKeyCache implements KeyCache {
  private readonly byDigest = new Map<string, ResolvedKey>();
  private readonly digestsByKey = new Map<string, Set<string>>();
  private readonly keysByMember = new Map<string, Set<string>>();
  private generationValue = 0;

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  get generation(): number {
    return this.generationValue;
  }

  get size(): number {
    return this.byDigest.size;
  }

  get(digest: string, now: number): ResolvedKey | undefined {
    const entry = this.byDigest.get(digest);
    if (!entry) return undefined;
    if (now - entry.loadedAt > this.ttlMs) {
      this.remove(digest);
      return undefined;
    }
    // Re-inserting moves the entry to the young end of the Map's insertion order, which is the LRU order.
    this.byDigest.delete(digest);
    this.byDigest.set(digest, entry);
    return entry;
  }

  set(digest: string, entry: ResolvedKey, generationAtLoad: number): void {
    if (this.capacity === 0 || generationAtLoad !== this.generationValue) return;
    this.remove(digest);
    this.byDigest.set(digest, entry);
    addTo(this.digestsByKey, entry.key.id, digest);
    if (entry.key.ownerUserId) addTo(this.keysByMember, memberKey(entry.key.orgId, entry.key.ownerUserId), entry.key.id);
    while (this.byDigest.size > this.capacity) {
      const oldest = this.byDigest.keys().next().value as string;
      this.remove(oldest);
    }
  }

  invalidateKeys(keyIds: readonly string[]): void {
    this.generationValue++;
    for (const id of keyIds) {
      const digests = this.digestsByKey.get(id);
      if (!digests) continue;
      for (const digest of [...digests]) this.remove(digest);
    }
  }

  invalidateMember(orgId: string, userId: string): void {
    const keyIds = this.keysByMember.get(memberKey(orgId, userId));
    this.invalidateKeys(keyIds ? [...keyIds] : []);
  }

  clear(): void {
    this.generationValue++;
    this.byDigest.clear();
    this.digestsByKey.clear();
    this.keysByMember.clear();
  }

  private remove(digest: string): void {
    const entry = this.byDigest.get(digest);
    if (!entry) return;
    this.byDigest.delete(digest);
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
