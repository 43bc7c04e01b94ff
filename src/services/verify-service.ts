import type { ApiKey } from '../domain/api-key.js';
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

  async verify(caller: Principal, input: VerifyInput): Promise<VerifyResult> {
    const now = this.ctx.now();
    const resolved = await this.resolver.resolve(input.key);
    if (!resolved || resolved.key.orgId !== caller.orgId || !visibleTo(caller, resolved.key)) return notFound();
    const result = await this.check(resolved, input, now);
    // A personal token whose user has left answers NOT_FOUND like any unknown token, and is not counted as used.
    if (result.key) this.ctx.usage.record(resolved.key.id, resolved.key.orgId, result.code, now, result.valid);
    return result;
  }

  private async check(resolved: ResolvedKey, input: VerifyInput, now: number): Promise<VerifyResult> {
    const { key } = resolved;
    const done = (code: VerifyCode, rateLimit: RateDecision | null = null, creditsRemaining: number | null = null): VerifyResult => ({
      valid: code === 'VALID',
      code,
      key,
      rateLimit,
      creditsRemaining: creditsRemaining ?? key.credits?.remaining ?? null,
    });

    switch (credentialState(resolved, now)) {
      case 'unknown':
        return notFound();
      case 'revoked':
        return done('REVOKED');
      case 'expired':
        return done('EXPIRED');
      case 'disabled':
        return done('DISABLED');
      case 'valid':
        break;
    }
    if (resolved.ipMatcher && (input.ip === null || !resolved.ipMatcher(input.ip))) return done('IP_FORBIDDEN');
    if (input.projectId !== null && key.projectIds !== null && !key.projectIds.includes(input.projectId)) return done('PROJECT_FORBIDDEN');
    if (input.query !== null) {
      const roleGrants = resolved.ownerRole ? ROLE_GRANTS[resolved.ownerRole] : null;
      const has = (name: string) => coveredByAny(key.permissions, name) && (roleGrants === null || coveredByAny(roleGrants, name));
      if (!evaluatePermissionQuery(input.query, has)) return done('INSUFFICIENT_PERMISSIONS');
    }

    const limit = key.rateLimit ?? this.ctx.config.defaultKeyRateLimit;
    let decision: RateDecision | null = null;
    if (limit) {
      decision = await this.ctx.rateLimiter.consume(`key:${key.id}`, limit, now);
      if (!decision.allowed) return done('RATE_LIMITED', decision);
    }
    if (key.credits) {
      const remaining = await this.ctx.storage.run((repos) => repos.keys.consumeCredit(key.id, now));
      // The cached copy keeps the last count storage reported, so answers that spend nothing (rate-limited,
      // forbidden) show that count rather than the one loaded with the key.
      key.credits.remaining = remaining ?? 0;
      if (remaining === null) return done('USAGE_EXCEEDED', decision);
      return done('VALID', decision, remaining);
    }
    return done('VALID', decision);
  }
}

function notFound(): VerifyResult {
  return { valid: false, code: 'NOT_FOUND', key: null, rateLimit: null, creditsRemaining: null };
}
