/**
 * Changes that make cached verification state stale. `all` is for a bus that may have missed messages (a
 * dropped connection, a gap in a log's ids): every subscriber then stops trusting everything it cached.
 */
export type Invalidation =
  | { type: 'keys'; keyIds: readonly string[] }
  | { type: 'member'; orgId: string; userId: string }
  | { type: 'all' };

/**
 * Carries invalidations to every instance's key cache, this one's included. `publish` resolves once this
 * instance has applied the event (so a change's response never races its own invalidation); delivery to other
 * instances may be later. A bus across instances (Redis Streams, PostgreSQL NOTIFY) implements the same three
 * methods, and publishes `all` to its own subscribers when it cannot prove it saw every message.
 */
export interface InvalidationBus {
  publish(event: Invalidation): Promise<void>;
  subscribe(handler: (event: Invalidation) => void): void;
  /** Releases connections; called once at shutdown. */
  close(): Promise<void>;
}
