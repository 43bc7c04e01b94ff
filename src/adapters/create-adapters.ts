import type { Config } from '../config/load-config.js';
import type { BackgroundLog } from '../ports/background-log.js';
import type { Clock } from '../ports/clock.js';
import type { InvalidationBus } from '../ports/invalidation-bus.js';
import type { KeyCache } from '../ports/key-cache.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { UsageRecorder } from '../ports/usage-recorder.js';
import type { Storage } from '../storage/storage.js';
import { BufferedUsageRecorder } from './in-process/buffered-usage-recorder.js';
import { LocalInvalidationBus } from './in-process/local-invalidation-bus.js';
import { LruKeyCache } from './in-process/lru-key-cache.js';
import { MemoryRateLimiter } from './in-process/memory-rate-limiter.js';
import { systemClock } from './in-process/system-clock.js';

/** One instance's infrastructure, each behind its port (src/ports/). */
export interface Adapters {
  now: Clock;
  cache: KeyCache;
  bus: InvalidationBus;
  /** Key rate limits on verification and the management API's per-credential limit (separate buckets). */
  rateLimiter: RateLimiter;
  /** Failed authentications and guarded attempts (passwords, setup, invitations) per client address. */
  authFailures: RateLimiter;
  usage: UsageRecorder;
}

/** What adapters are built on: the instance's storage, and where background work logs. */
export interface AdapterDependencies {
  storage: Storage;
  log: BackgroundLog;
}

/**
 * The one place that chooses and constructs adapters (test/architecture/adapters.test.ts holds every other file
 * to that). Only in-process implementations exist, so there is nothing in the configuration to choose by yet;
 * shared ones (Redis, PostgreSQL) are selected here, from configuration, when they land. Tests substitute a
 * port through `overrides` (a clock they control, a bus they observe) rather than constructing adapters.
 */
export function createAdapters(config: Config, deps: AdapterDependencies, overrides: Partial<Adapters> = {}): Adapters {
  return {
    now: overrides.now ?? systemClock,
    cache: overrides.cache ?? new LruKeyCache(config.keyCacheSize, config.keyCacheTtlMs),
    bus: overrides.bus ?? new LocalInvalidationBus(),
    rateLimiter: overrides.rateLimiter ?? new MemoryRateLimiter(),
    authFailures: overrides.authFailures ?? new MemoryRateLimiter(),
    usage: overrides.usage ?? new BufferedUsageRecorder(deps.storage, deps.log, config.usageBufferMax),
  };
}
