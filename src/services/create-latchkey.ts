import type { Config } from '../config/load-config.js';
import { createSecretDigester } from '../domain/secret-digest.js';
import type { Storage } from '../storage/storage.js';
import { Authenticator } from './authenticator.js';
import { CredentialResolver } from './credential-resolver.js';
import { type InvalidationBus, LocalInvalidationBus } from './invalidation-bus.js';
import { KeyCache } from './key-cache.js';
import { KeyService } from './key-service.js';
import { PermissionCatalog } from './permission-catalog.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { ServiceContext } from './service-context.js';
import { SetupService } from './setup-service.js';
import { UsageRecorder } from './usage-recorder.js';
import { VerifyService } from './verify-service.js';

export interface LatchkeyOptions {
  now?: () => number;
  bus?: InvalidationBus;
  rateLimiter?: RateLimiter;
  onBackgroundError?: (error: unknown) => void;
}

/** The composition root: one instance's services, wired once. The HTTP server and the CLI both start here. */
export function createLatchkey(config: Config, storage: Storage, options: LatchkeyOptions = {}) {
  const ctx: ServiceContext = {
    config,
    storage,
    now: options.now ?? Date.now,
    digest: createSecretDigester(config.pepper),
    cache: new KeyCache(config.keyCacheSize, config.keyCacheTtlMs),
    bus: options.bus ?? new LocalInvalidationBus(),
    rateLimiter: options.rateLimiter ?? new MemoryRateLimiter(),
    usage: new UsageRecorder(storage, options.onBackgroundError ?? (() => {})),
  };
  ctx.bus.subscribe((event) => {
    if (event.type === 'keys') ctx.cache.invalidateKeys(event.keyIds);
    else ctx.cache.invalidateMember(event.orgId, event.userId);
  });
  const resolver = new CredentialResolver(ctx);
  const catalog = new PermissionCatalog(ctx);
  const keys = new KeyService(ctx, catalog, 'org');
  const tokens = new KeyService(ctx, catalog, 'personal');
  return {
    ctx,
    catalog,
    keys,
    tokens,
    verify: new VerifyService(ctx, resolver),
    authenticator: new Authenticator(ctx, resolver),
    setup: new SetupService(ctx, keys),
    authFailures: new MemoryRateLimiter(),
    start(): void {
      ctx.usage.start(config.usageFlushMs);
    },
    async stop(): Promise<void> {
      await ctx.usage.stop();
    },
  };
}

export type Latchkey = ReturnType<typeof createLatchkey>;
