/**
 * How long storage may keep a request waiting. A database that stops answering (frozen, partitioned, overloaded)
 * must turn into a prompt 503, never a request that hangs; each bound is configurable (docs/configuration.md).
 */
export interface StorageTimeouts {
  /** Opening a new connection (PostgreSQL). */
  connectMs: number;
  /** One statement: PostgreSQL's statement_timeout, and the client-side bound for a server that answers nothing. */
  statementMs: number;
  /** Waiting for a free connection: a full pool, or SQLite's one connection held by a transaction. */
  acquireMs: number;
  /** SQLite's busy timeout: how long a statement waits for another connection's lock. */
  busyMs: number;
}

export const DEFAULT_STORAGE_TIMEOUTS: StorageTimeouts = {
  connectMs: 5_000,
  statementMs: 10_000,
  acquireMs: 10_000,
  busyMs: 5_000,
};
