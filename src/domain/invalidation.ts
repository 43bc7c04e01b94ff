/**
 * A change that makes cached verification state stale. `all` means "drop everything": a reader that cannot
 * replay what it missed (the log was trimmed past it) applies it to itself.
 */
export type Invalidation =
  | { type: 'keys'; keyIds: readonly string[] }
  | { type: 'member'; orgId: string; userId: string }
  | { type: 'all' };

/** One committed entry of the invalidation log: ids are dense and follow commit order. */
export interface InvalidationRecord {
  id: number;
  createdAt: number;
  event: Invalidation;
}
