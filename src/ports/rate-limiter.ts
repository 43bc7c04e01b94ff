import type { RateLimitConfig } from '../domain/api-key.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  resetAt: number;
}

/**
 * One attempt held against a budget, taken before the work it guards (checking a password). `decision.allowed`
 * false means the budget was already spent and nothing was taken. `release()` gives a granted attempt back,
 * for a success: only the caller's own attempt, never anyone else's failures, and only within the window it
 * was taken in; a second call, or a call on a refused reservation, does nothing.
 */
export interface Reservation {
  readonly decision: RateDecision;
  release(): void;
}

/**
 * Counts requests per bucket in fixed windows. Used three ways, each with its own instance: the key rate limit on
 * verification, the management API's per-credential limit, and the per-address authentication-failure throttle.
 * `consume` is asynchronous so a shared counter (a Redis script, a PostgreSQL upsert) fits behind it; the
 * in-process adapter answers without awaiting anything. `reserve` is synchronous today; see docs/design.md,
 * "Ports and adapters", for why and what a shared implementation changes.
 */
export interface RateLimiter {
  /** Checks and counts in one atomic step: no more than the limit is ever granted in a window. */
  consume(bucket: string, config: RateLimitConfig, now: number, cost?: number): Promise<RateDecision>;
  reserve(bucket: string, config: RateLimitConfig, now: number): Reservation;
}
