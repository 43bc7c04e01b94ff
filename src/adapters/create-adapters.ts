import type { Config } from '../config/load-config.js';
import type { BackgroundLog } from '../ports/background-log.js';
import type { Clock } from '../ports/clock.js';
import type { InvalidationBus } from '../ports/invalidation-bus.js';
import type { KeyCache } from '../ports/key-cache.js';
import type { Metrics } from '../ports/metrics.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { UsageRecorder } from '../ports/usage-recorder.js';
import type { Storage } from '../storage/storage.js';
import { BufferedUsageRecorder } from './in-process/buffered-usage-recorder.js';
import { LocalInvalidationBus } from './in-process/local-invalidation-bus.js';
import { LruKeyCache } from './in-process/lru-key-cache.js';
import { MemoryRateLimiter } from './in-process/memory-rate-limiter.js';
import { NoOpMetrics } from './in-process/no-op-metrics.js';
import { PrometheusMetrics } from './prometheus/prometheus-metrics.js';
import { systemClock } from './in-process/system-clock.js';
import { PostgresInvalidationBus } from './postgres/postgres-invalidation-bus.js';
import { RedisStreamsInvalidationBus } from './redis/redis-streams-invalidation-bus.js';

/** How long invalidation records stay in the log (an instance away for longer clears its cache on return). */
const INVALIDATION_RETAIN_MS = 3_600_000;
/** Must match InstanceRegistry's rule: a heartbeat older than 3 beats belongs to a stopped instance. */
const STALE_AFTER_BEATS = 3;

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
  /** Prometheus when LATCHKEY_METRICS_TOKEN or LATCHKEY_METRICS_PORT is set, else a no-op. */
  metrics: Metrics;
}

/** What adapters are built on: the instance's storage, and where background work logs. */
export interface AdapterDependencies {
  storage: Storage;
  log: BackgroundLog;
  /** This instance's id (its heartbeat row and its invalidation acknowledgements). */
  instanceId: string;
}

/**
 * The one place that chooses and constructs adapters (test/architecture/adapters.test.ts holds every other file
 * to that). The invalidation bus follows storage: on PostgreSQL several instances may share the database, so the
 * bus reads the invalidation log (LISTEN/NOTIFY to wake up); SQLite is one instance, so the bus is in-process.
 * Tests substitute a port through `overrides` (a clock they control, a bus they observe) rather than constructing
 * adapters.
 */
export function createAdapters(config: Config, deps: AdapterDependencies, overrides: Partial<Adapters> = {}): Adapters {
  const now = overrides.now ?? systemClock;
  return {
    now,
    cache: overrides.cache ?? new LruKeyCache(config.keyCacheSize, config.keyCacheTtlMs),
    bus: overrides.bus ?? createInvalidationBus(config, deps, now),
    rateLimiter: overrides.rateLimiter ?? new MemoryRateLimiter(),
    authFailures: overrides.authFailures ?? new MemoryRateLimiter(),
    usage: overrides.usage ?? new BufferedUsageRecorder(deps.storage, deps.log, config.usageBufferMax),
    metrics: overrides.metrics ?? (config.metrics.token !== undefined || config.metrics.port !== undefined ? new PrometheusMetrics() : new NoOpMetrics()),
  };
}

function createInvalidationBus(config: Config, deps: AdapterDependencies, now: Clock): InvalidationBus {
  const channel = deps.storage.notifyChannel;
  if (deps.storage.dialectName !== 'postgres' || channel === null || !config.databaseUrl) return new LocalInvalidationBus();
  const options = {
    connectionString: config.databaseUrl,
    channel,
    instanceId: deps.instanceId,
    leaseMs: config.invalidationLeaseMs,
    waitMs: config.invalidationWaitMs,
    staleAfterMs: STALE_AFTER_BEATS * config.instanceHeartbeatMs,
    livenessCheckMs: config.instanceHeartbeatMs,
    retainMs: INVALIDATION_RETAIN_MS,
    connectMs: config.storageTimeouts.connectMs,
    now,
    log: deps.log,
  };
  if (config.redisUrl) return new RedisStreamsInvalidationBus(deps.storage, { ...options, redisUrl: config.redisUrl, keyPrefix: config.redisPrefix });
  return new PostgresInvalidationBus(deps.storage, options);
}
