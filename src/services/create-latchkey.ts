import { type Adapters, createAdapters } from '../adapters/create-adapters.js';
import type { Config } from '../config/load-config.js';
import { createSecretDigester } from '../domain/secret-digest.js';
import type { BackgroundLog } from '../ports/background-log.js';
import type { RedisFed } from '../ports/invalidation-bus.js';
import type { Storage } from '../storage/storage.js';
import { AuditService } from './audit-service.js';
import { Authenticator } from './authenticator.js';
import { CredentialResolver } from './credential-resolver.js';
import { type InstanceClaim, InstanceRegistry, newInstanceId } from './instance-registry.js';
import { InvitationService } from './invitation-service.js';
import { KeyService } from './key-service.js';
import { MemberService } from './member-service.js';
import { OAuthService } from './oauth-service.js';
import { OAuthSigningKeys } from './oauth-signing-keys.js';
import { OrganizationService } from './organization-service.js';
import { PermissionCatalog } from './permission-catalog.js';
import { PermissionService } from './permission-service.js';
import { ProjectService } from './project-service.js';
import type { ServiceContext } from './service-context.js';
import { cursorKeySource } from './server-keys.js';
import { SessionService } from './session-service.js';
import { SetupService } from './setup-service.js';
import { VerifyService } from './verify-service.js';
import { WhoamiService } from './whoami-service.js';

/** Ports given here replace the adapters createAdapters would choose; tests pass their clock this way. */
export interface LatchkeyOptions extends Partial<Adapters> {
  onBackgroundError?: (error: unknown) => void;
  /** Where background work (the usage recorder) logs; without it, errors go to onBackgroundError. */
  log?: BackgroundLog;
}

/** The composition root: one instance's services, wired once. The HTTP server and the CLI both start here. */
export function createLatchkey(config: Config, storage: Storage, options: LatchkeyOptions = {}) {
  const onError = options.onBackgroundError ?? (() => {});
  const log: BackgroundLog = options.log ?? { warn: () => {}, error: (details) => onError(details.err) };
  const instanceId = newInstanceId();
  const { now, cache, bus, rateLimiter, authFailures, usage, metrics } = createAdapters(config, { storage, log, instanceId }, options);
  const ctx: ServiceContext = {
    config,
    storage,
    now,
    digest: createSecretDigester(config.pepper),
    cache,
    metrics,
    bus,
    rateLimiter,
    usage,
    cursorKey: cursorKeySource(config.pepper, storage, now),
  };
  ctx.bus.subscribe((event) => {
    if (event.type === 'keys') ctx.cache.invalidateKeys(event.keyIds);
    else if (event.type === 'member') ctx.cache.invalidateMember(event.orgId, event.userId);
    else ctx.cache.clear();
  });
  // Every transaction that recorded invalidations hands the committed records to the bus before it returns.
  storage.onInvalidationsCommitted((records) => ctx.bus.publish(records));
  metrics.instance(instanceId);
  metrics.gauge('latchkey_key_cache_entries', 'Verified keys held in this instance\'s cache.', () => cache.size);
  metrics.gauge('latchkey_key_cache_hit_ratio', 'Share of key lookups this instance\'s cache answered since it started.', () => {
    const { hits, misses } = cache.lookups;
    return hits + misses === 0 ? undefined : hits / (hits + misses);
  });
  const lag = metrics.histogram(
    'latchkey_invalidation_lag_seconds',
    'From the commit of a change on another instance to its invalidation of this instance\'s cache (wall clocks of both).',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  );
  if (metrics.enabled) bus.onApplied((lagMs) => lag(lagMs / 1000));
  metrics.counter('latchkey_invalidations_applied_total', 'Invalidation records from other instances applied to this cache.', () => bus.stats.applied);
  metrics.counter('latchkey_invalidation_cache_clears_total', 'Times the log was trimmed past what this instance applied, so it cleared its cache.', () => bus.stats.trimmedPast);
  metrics.counter('latchkey_invalidation_reconnects_total', 'Reconnections of the invalidation feed (LISTEN or the Redis stream).', () => bus.stats.reconnects);
  metrics.counter('latchkey_invalidation_failed_reads_total', 'Failed reads of the invalidation log; each leaves the cache untrusted until one succeeds.', () => bus.stats.failedReads);
  metrics.counter('latchkey_invalidation_wait_timeouts_total', 'Changes whose wait for every instance\'s acknowledgement ran out, leaving laggards untrusted.', () => bus.stats.waitTimeouts);
  metrics.gauge('latchkey_instances_seen', 'Live Latchkey instances on this database (this one included), at the last look at the heartbeats.', () => bus.stats.instancesSeen);
  if (storage.poolUse() !== undefined) {
    for (const [state, help] of [
      ['total', 'Connections open in the PostgreSQL pool.'],
      ['idle', 'Idle connections in the PostgreSQL pool.'],
      ['waiting', 'Queries waiting for a PostgreSQL connection.'],
    ] as const) {
      metrics.gauge(`latchkey_storage_pool_${state}`, help, () => storage.poolUse()?.[state]);
    }
  }
  if ('redisReading' in bus) {
    metrics.gauge('latchkey_redis_connected', '1 while invalidations arrive through the Redis stream, 0 while they fall back to PostgreSQL.', () => ((bus as RedisFed).redisReading ? 1 : 0));
  }
  metrics.gauge('latchkey_invalidation_cache_trusted', '1 while this instance\'s cache may answer, 0 while verifications read storage.', () => (bus.trusted() ? 1 : 0));
  metrics.gauge('latchkey_usage_pending_rows', 'Usage rows (key, hour, outcome) waiting for the next flush.', () => usage.pendingRows);
  metrics.gauge('latchkey_usage_last_flush_seconds', 'How long the last usage flush took.', () => (usage.lastFlushMs === undefined ? undefined : usage.lastFlushMs / 1000));
  const signingKeys = new OAuthSigningKeys(ctx);
  const resolver = new CredentialResolver(ctx, signingKeys);
  const catalog = new PermissionCatalog(ctx);
  const keys = new KeyService(ctx, catalog, 'org_key');
  const tokens = new KeyService(ctx, catalog, 'personal_token');
  const authenticator = new Authenticator(ctx, resolver);
  const instance = new InstanceRegistry(ctx, instanceId);
  let maintenance: NodeJS.Timeout | undefined;
  return {
    ctx,
    catalog,
    keys,
    tokens,
    verify: new VerifyService(ctx, resolver),
    oauth: new OAuthService(ctx, catalog, resolver, signingKeys),
    signingKeys,
    authenticator,
    projects: new ProjectService(ctx),
    members: new MemberService(ctx),
    invitations: new InvitationService(ctx),
    sessions: new SessionService(ctx, authenticator),
    organizations: new OrganizationService(ctx),
    permissions: new PermissionService(ctx, catalog),
    audit: new AuditService(ctx),
    whoami: new WhoamiService(ctx, catalog),
    setup: new SetupService(ctx),
    authFailures,
    instance,
    instanceId,
    /**
     * Claims this database for the instance (on SQLite, refusing with InstanceConflictError while another one's
     * heartbeat is fresh, unless LATCHKEY_ALLOW_MULTIPLE_INSTANCES), starts reading the invalidation log, then the
     * background timers.
     */
    async start(): Promise<InstanceClaim> {
      const claim = await instance.claim();
      instance.startBeating(options.onBackgroundError ?? (() => {}));
      await ctx.bus.start();
      ctx.usage.start(config.usageFlushMs);
      maintenance = setInterval(() => void storage.maintain().catch(options.onBackgroundError ?? (() => {})), 3_600_000);
      maintenance.unref();
      return claim;
    },
    async stop(): Promise<void> {
      if (maintenance) clearInterval(maintenance);
      await ctx.usage.stop();
      await ctx.bus.close();
      await instance.release();
    },
  };
}

export type Latchkey = ReturnType<typeof createLatchkey>;
