import type { ApiKey } from '../domain/api-key.js';
import type { Role } from '../domain/roles.js';

/** Everything verification needs about one secret, loaded once and then served from memory. */
export interface ResolvedKey {
  key: ApiKey;
  /** End of a rolled-away secret's grace period; null for the current secret. */
  secretExpiresAt: number | null;
  /** For a personal token: its user's current role in the key's organization, null when no longer a member. */
  ownerRole: Role | null;
  ipMatcher: ((ip: string) => boolean) | null;
  loadedAt: number;
}

/**
 * Resolved keys by secret digest. Synchronous on purpose: it is read on every verification, and it stays in
 * process memory even when many instances run (entries hold functions, and a network hop would cost what the
 * cache exists to save). What instances share is the invalidation bus, which drops entries here.
 *
 * The generation guards against a race: a lookup reads `generation` before it goes to storage and hands it to
 * `set`; an invalidation in between bumps the generation, and the stale result is not cached.
 */
export interface KeyCache {
  readonly generation: number;
  readonly size: number;
  /** Lookups answered from the cache and lookups it could not answer, since the instance started (for metrics). */
  readonly lookups: { readonly hits: number; readonly misses: number };
  /** The entry, or undefined when absent or older than the cache's time to live at `now`. */
  get(digest: string, now: number): ResolvedKey | undefined;
  set(digest: string, entry: ResolvedKey, generationAtLoad: number): void;
  /** Drops every entry of these keys (all their secrets). */
  invalidateKeys(keyIds: readonly string[]): void;
  /** Drops every entry of the personal tokens this member owns in this organization. */
  invalidateMember(orgId: string, userId: string): void;
  clear(): void;
}
