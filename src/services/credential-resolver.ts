import { createIpMatcher } from '../domain/cidr.js';
import { storageUnavailable } from '../domain/storage-unavailable.js';
import { looksLikeJwt } from '../domain/jwt-shape.js';
import { parseToken } from '../domain/token-format.js';
import type { ResolvedKey } from '../ports/key-cache.js';
import type { ServiceContext } from './service-context.js';

/**
 * Turns a presented secret into a resolved key: shape and checksum first (no storage for garbage), then the
 * in-process cache, then one indexed lookup by digest. Used by both verification and management-API auth,
 * so the two can never disagree about a key.
 */
export class CredentialResolver {
  /**
   * `jwt` checks that a JWT access token (RFC 9068) was signed by this server. Such a token is also an api_keys
   * row stored by the digest of the whole JWT, so once its signature holds it is resolved exactly as an opaque
   * token: the same cache, revocation, expiry and role cap.
   */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly jwt: { signedByUs(token: string): Promise<boolean> } | null = null,
  ) {}

  async resolve(secret: string): Promise<ResolvedKey | null> {
    if (parseToken(secret, this.ctx.config.tokenFormat) === null) {
      if (!this.isJwt(secret)) return null;
      const digest = this.ctx.digest(secret);
      const cached = this.cached(digest);
      if (cached) return cached;
      // The signature first, so a forged JWT costs no credential lookup.
      return (await this.jwt!.signedByUs(secret)) ? this.load(digest) : null;
    }
    const digest = this.ctx.digest(secret);
    return this.cached(digest) ?? this.load(digest);
  }

  /** Whether `secret` could be a credential at all: a token of the deployment's format, or a JWT access token. */
  mayBeCredential(secret: string): boolean {
    return parseToken(secret, this.ctx.config.tokenFormat) !== null || this.isJwt(secret);
  }

  private isJwt(secret: string): boolean {
    return this.jwt !== null && looksLikeJwt(secret);
  }

  /**
   * What can be answered without storage: null for a secret of the wrong shape or checksum, the cached entry, or
   * undefined when only storage can tell. Synchronous, so a verification served from the cache creates no
   * promise on its way (each costs time on the hot path, and more where async hooks are on).
   */
  resolveKnown(secret: string): ResolvedKey | null | undefined {
    if (parseToken(secret, this.ctx.config.tokenFormat) === null) return this.isJwt(secret) ? this.cached(this.ctx.digest(secret)) : null;
    return this.cached(this.ctx.digest(secret));
  }

  private cached(digest: string): ResolvedKey | undefined {
    // An instance that cannot prove it applied every committed invalidation (the bus's lease) reads storage.
    const cached = this.ctx.bus.trusted() ? this.ctx.cache.get(digest, this.ctx.now()) : undefined;
    if (!cached) return undefined;
    // While storage fails, a revocation or any other change cannot be made, so a cached decision may be stale:
    // it is served for at most LATCHKEY_OUTAGE_GRACE_MS of outage, then the credential fails closed. Storage
    // health keeps wall-clock time (queries are timed by it), hence Date.now rather than the service clock.
    const failingSince = this.ctx.storage.health.failingSince;
    if (failingSince !== 0 && Date.now() - failingSince >= this.ctx.config.outageGraceMs) {
      this.ctx.storage.probe();
      throw storageUnavailable();
    }
    return cached;
  }

  private async load(digest: string): Promise<ResolvedKey | null> {
    const now = this.ctx.now();
    const generation = this.ctx.cache.generation;
    const found = await this.ctx.storage.run((repos) => repos.keys.findByDigest(digest));
    if (!found) return null;
    let ownerRole: ResolvedKey['ownerRole'] = null;
    if (found.key.ownerUserId) {
      const membership = await this.ctx.storage.run((repos) => repos.memberships.find(found.key.orgId, found.key.ownerUserId!));
      ownerRole = membership?.role ?? null;
    }
    const resolved: ResolvedKey = {
      key: found.key,
      secretExpiresAt: found.secretExpiresAt,
      ownerRole,
      ipMatcher: found.key.ipRanges && found.key.ipRanges.length > 0 ? createIpMatcher(found.key.ipRanges) : null,
      loadedAt: now,
    };
    this.ctx.cache.set(digest, resolved, generation);
    return resolved;
  }
}
