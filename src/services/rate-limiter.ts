import type { RateLimitConfig } from '../domain/api-key.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  resetAt: number;
}

/**
 * Counts requests per key in fixed windows. Behind an interface so a Redis implementation can share counts
 * across instances; the in-process one below is exact for a single process.
 */
export interface RateLimiter {
  consume(bucket: string, config: RateLimitConfig, now: number, cost?: number): Promise<RateDecision>;
  /** Reads without spending; used to refuse before doing work. */
  peek(bucket: string, config: RateLimitConfig, now: number): Promise<RateDecision>;
}

interface Window {
  start: number;
  count: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(private readonly maxBuckets = 1_000_000) {}

  async consume(bucket: string, config: RateLimitConfig, now: number, cost = 1): Promise<RateDecision> {
    const window = this.windowFor(bucket, config, now);
    const allowed = window.count + cost <= config.limit;
    if (allowed) window.count += cost;
    return { allowed, limit: config.limit, remaining: Math.max(0, config.limit - window.count), resetAt: window.start + config.windowMs };
  }

  async peek(bucket: string, config: RateLimitConfig, now: number): Promise<RateDecision> {
    const window = this.windowFor(bucket, config, now);
    return {
      allowed: window.count < config.limit,
      limit: config.limit,
      remaining: Math.max(0, config.limit - window.count),
      resetAt: window.start + config.windowMs,
    };
  }

  private windowFor(bucket: string, config: RateLimitConfig, now: number): Window {
    const start = now - (now % config.windowMs);
    const key = `${bucket}|${config.windowMs}`;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(key, window);
      this.sweep(now);
    }
    return window;
  }

  /** Forgets windows that have ended, so memory tracks active clients rather than every client ever seen. */
  private sweep(now: number): void {
    if (now < this.sweepAt && this.windows.size < this.maxBuckets) return;
    this.sweepAt = now + 60_000;
    for (const [key, window] of this.windows) {
      const windowMs = Number(key.slice(key.lastIndexOf('|') + 1));
      if (window.start + windowMs <= now) this.windows.delete(key);
    }
  }
}
