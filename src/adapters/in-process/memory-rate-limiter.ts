import type { RateLimitConfig } from '../../domain/api-key.js';
import type { RateDecision, RateLimiter, Reservation } from '../../ports/rate-limiter.js';

interface Window {
  start: number;
  count: number;
}

/** Exact for one process: the check and the count happen with no await between them. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(private readonly maxBuckets = 1_000_000) {}

  async consume(bucket: string, config: RateLimitConfig, now: number, cost = 1): Promise<RateDecision> {
    return this.take(bucket, config, now, cost).decision;
  }

  /**
   * Check-and-increment in one synchronous step, so however many requests arrive at once no more than the
   * budget are ever granted in a window: there is no await between the check and the count. Failure
   * throttles (sign-in, setup, invitation acceptance) reserve an attempt before doing the guarded work and
   * release it only when that work succeeded.
   */
  reserve(bucket: string, config: RateLimitConfig, now: number): Reservation {
    const { window, decision } = this.take(bucket, config, now, 1);
    let held = decision.allowed;
    return {
      decision,
      release: () => {
        if (!held) return;
        held = false;
        // The window may have been replaced since; its count started from zero and owes this attempt nothing.
        if (this.windows.get(`${bucket}|${config.windowMs}`) === window && window.count > 0) window.count -= 1;
      },
    };
  }

  /** The one check-and-count, synchronous so that nothing can run between the check and the count. */
  private take(bucket: string, config: RateLimitConfig, now: number, cost: number) {
    const window = this.windowFor(bucket, config, now);
    const allowed = window.count + cost <= config.limit;
    if (allowed) window.count += cost;
    const decision: RateDecision = { allowed, limit: config.limit, remaining: Math.max(0, config.limit - window.count), resetAt: window.start + config.windowMs };
    return { window, decision };
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
