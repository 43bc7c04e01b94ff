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
/** What a bus has met since the instance started, for metrics and logs. */
export interface InvalidationBusStats {
  /** Records from other instances applied to this cache. */
  readonly applied: number;
  /** Times the log had been trimmed past what this instance applied, so it cleared its cache. */
  readonly trimmedPast: number;
  /** Reconnections of the notification or stream connection. */
  readonly reconnects: number;
  /** Failed reads of the log: each leaves the cache untrusted (verifications read storage) until one succeeds. */
  readonly failedReads: number;
  /** Changes whose wait for every instance's acknowledgement ran out (W), leaving the laggards untrusted. */
  readonly waitTimeouts: number;
  /** Live instances (this one included) at the last look at the heartbeats. */
  readonly instancesSeen: number;
}

/** A bus with a Redis feed says whether it reads it now (true) or has fallen back to PostgreSQL (false). */
export interface RedisFed {
  readonly redisReading: boolean;
}

export interface InvalidationBus {
  readonly stats: InvalidationBusStats;
  /**
   * Called with the time from a record's commit (the committing instance's clock) to its application here, for
   * each record from another instance; the lag metric. One observer; a later call replaces it.
   */
  onApplied(observer: (lagMs: number) => void): void;
  publish(records: readonly InvalidationRecord[]): Promise<void>;
  subscribe(handler: (event: Invalidation) => void): void;
  trusted(): boolean;
  /** Starts reading (after the instance claimed its heartbeat row); a no-op for a single process. */
  start(): Promise<void>;
  /** Releases connections; called once at shutdown. */
  close(): Promise<void>;
}
