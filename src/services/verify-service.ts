import type { ApiKey, RateLimitConfig } from '../domain/api-key.js';
import { credentialState } from '../domain/credential-state.js';
import { coveredByAny } from '../domain/permission-pattern.js';
import { evaluatePermissionQuery, type PermissionQuery } from '../domain/permission-query.js';
import type { Principal } from '../domain/principal.js';
import { ROLE_GRANTS } from '../domain/roles.js';
import { visibleTo } from '../domain/visible-to.js';
import type { CredentialResolver } from './credential-resolver.js';
import type { ResolvedKey } from '../ports/key-cache.js';
import type { RateDecision } from '../ports/rate-limiter.js';
import type { ServiceContext } from './service-context.js';
import type { VerifyCode } from '../domain/verify-codes.js';

export { VERIFY_CODES, type VerifyCode } from '../domain/verify-codes.js';

export interface VerifyInput {
  key: string;
  query: PermissionQuery | null;
  projectId: string | null;
  ip: string | null;
}

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  key: ApiKey | null;
  rateLimit: RateDecision | null;
  creditsRemaining: number | null;
}

/**
 * The hot path. Checks run cheapest-first and nothing is spent before it must be: a key that is forbidden
 * or rate-limited keeps its credits, and only a call that passes every other check spends one. Nothing is
 * written to storage except that credit; last-used times and counts go to the usage recorder.
 */
export class VerifyService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolver: CredentialResolver,
  ) {}

  /**
   * A value when the answer needs no wait (the key is cached and nothing is spent in storage), else a promise:
   * the hot path then answers in the turn that read the request. Either way, errors are thrown, not returned.
   */
  verify(caller: Principal, input: VerifyInput): VerifyResult | Promise<VerifyResult> {
    const now = this.ctx.now();
    // From the cache without a promise when it can answer; storage only for what it cannot.
    const known = this.resolver.resolveKnown(input.key);
    if (known === undefined) return this.resolver.resolve(input.key).then((resolved) => this.decide(caller, input, resolved, now));
    return this.decide(caller, input, known, now);
  }

  private decide(caller: Principal, input: VerifyInput, resolved: ResolvedKey | null, now: number): VerifyResult | Promise<VerifyResult> {
    if (!resolved || resolved.key.orgId !== caller.orgId || !visibleTo(caller, resolved.key)) return notFound();
    const refused = this.refusal(resolved, input, now);
    if (refused) return this.counted(resolved, refused, now);
    const spent = this.spend(resolved, now);
    return spent instanceof Promise ? spent.then((result) => this.counted(resolved, result, now)) : this.counted(resolved, spent, now);
  }

  private counted(resolved: ResolvedKey, result: VerifyResult, now: number): VerifyResult {
    // A personal token whose user has left answers NOT_FOUND like any unknown token, and is not counted as used.
    if (result.key) this.ctx.usage.record(resolved.key.id, resolved.key.orgId, result.code, now, result.valid);
    return result;
  }

  /** The checks that spend nothing, cheapest first: the answer when one fails, null when all pass. */
  private refusal(resolved: ResolvedKey, input: VerifyInput, now: number): VerifyResult | null {
    const { key } = resolved;
    switch (credentialState(resolved, now)) {
      case 'unknown':
        return notFound();
      case 'revoked':
        return outcome(key, 'REVOKED');
      case 'expired':
        return outcome(key, 'EXPIRED');
      case 'disabled':
        return outcome(key, 'DISABLED');
      case 'valid':
        break;
    }
    if (resolved.ipMatcher && (input.ip === null || !resolved.ipMatcher(input.ip))) return outcome(key, 'IP_FORBIDDEN');
    if (input.projectId !== null && key.projectIds !== null && !key.projectIds.includes(input.projectId)) return outcome(key, 'PROJECT_FORBIDDEN');
    if (input.query !== null) {
      const roleGrants = resolved.ownerRole ? ROLE_GRANTS[resolved.ownerRole] : null;
      const has = (name: string) => coveredByAny(key.permissions, name) && (roleGrants === null || coveredByAny(roleGrants, name));
      if (!evaluatePermissionQuery(input.query, has)) return outcome(key, 'INSUFFICIENT_PERMISSIONS');
    }
    return null;
  }

  /** The rate limit, then a credit: spent only by a call that passed every other check. */
  private spend(resolved: ResolvedKey, now: number): VerifyResult | Promise<VerifyResult> {
    const { key } = resolved;
    const limit = key.rateLimit ?? this.ctx.config.defaultKeyRateLimit;
    if (!limit && !key.credits) return outcome(key, 'VALID');
    return this.spendLimited(key, limit, now);
  }

  private async spendLimited(key: ApiKey, limit: RateLimitConfig | null, now: number): Promise<VerifyResult> {
    let decision: RateDecision | null = null;
    if (limit) {
      decision = await this.ctx.rateLimiter.consume(`key:${key.id}`, limit, now);
      if (!decision.allowed) return outcome(key, 'RATE_LIMITED', decision);
    }
    if (key.credits) {
      const remaining = await this.ctx.storage.run((repos) => repos.keys.consumeCredit(key.id, now));
      // The cached copy keeps the last count storage reported, so answers that spend nothing (rate-limited,
      // forbidden) show that count rather than the one loaded with the key.
      key.credits.remaining = remaining ?? 0;
      if (remaining === null) return outcome(key, 'USAGE_EXCEEDED', decision);
      return outcome(key, 'VALID', decision, remaining);
    }
    return outcome(key, 'VALID', decision);
  }
}

function outcome(key: ApiKey, code: VerifyCode, rateLimit: RateDecision | null = null, creditsRemaining: number | null = null): VerifyResult {
  return { valid: code === 'VALID', code, key, rateLimit, creditsRemaining: creditsRemaining ?? key.credits?.remaining ?? null };
}

function notFound(): VerifyResult {
  return { valid: false, code: 'NOT_FOUND', key: null, rateLimit: null, creditsRemaining: null };
}
