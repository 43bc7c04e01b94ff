import type { Invalidation, InvalidationRecord } from '../domain/invalidation.js';

export type { Invalidation, InvalidationRecord } from '../domain/invalidation.js';

/**
 * Carries committed invalidation records (written by the unit of work in the same transaction as the change) to
 * every instance's key cache, and says whether this instance's cache may be trusted right now.
 *
 * - `publish` is called after the records' transaction committed. It applies them to this instance at once, then
 *   resolves when every other live instance has acknowledged them, or when the bounded wait has passed, after
 *   which an instance that has not acknowledged them is provably untrusted (see `trusted`).
 * - `trusted()` is read on every verification before the cache: false means "I cannot prove I applied every
 *   committed record", and the caller reads storage instead.
 */
export interface InvalidationBus {
  publish(records: readonly InvalidationRecord[]): Promise<void>;
  subscribe(handler: (event: Invalidation) => void): void;
  trusted(): boolean;
  /** Starts reading (after the instance claimed its heartbeat row); a no-op for a single process. */
  start(): Promise<void>;
  /** Releases connections; called once at shutdown. */
  close(): Promise<void>;
}
