import type { Config } from '../config/load-config.js';
import type { CursorKey } from '../domain/page.js';
import type { ServiceStorage } from '../storage/unit-of-work.js';
import type { Clock } from '../ports/clock.js';
import type { InvalidationBus } from '../ports/invalidation-bus.js';
import type { KeyCache } from '../ports/key-cache.js';
import type { Metrics } from '../ports/metrics.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { UsageRecorder } from '../ports/usage-recorder.js';

/** The shared collaborators every service is built from; one per running instance. */
export interface ServiceContext {
  config: Config;
  storage: ServiceStorage;
  now: Clock;
  digest: (secret: string) => string;
  cache: KeyCache;
  metrics: Metrics;
  bus: InvalidationBus;
  rateLimiter: RateLimiter;
  usage: UsageRecorder;
  /** The key pagination cursors are signed with, shared by every instance on the database. */
  cursorKey: () => Promise<CursorKey>;
}
