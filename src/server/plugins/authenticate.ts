import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../domain/app-error.js';
import type { Principal } from '../../domain/principal.js';
import type { Latchkey } from '../../services/create-latchkey.js';
import type { RateDecision } from '../../services/rate-limiter.js';
import type { App } from '../app-types.js';
import { extractCredential } from './extract-credential.js';
import { rejectCredentialsInUrl } from './reject-credentials-in-url.js';

export const SESSION_COOKIE = 'latchkey_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const THROTTLED_CODES = new Set(['AUTH_INVALID', 'AUTH_REVOKED', 'AUTH_EXPIRED', 'AUTH_DISABLED', 'INVALID_SIGN_IN']);

/**
 * Resolves the caller before the body is even parsed, so an unauthenticated client learns nothing about
 * validation. Sessions must carry the CSRF token on every mutation. Each credential gets the management-API
 * rate limit; each client address gets a budget of failed attempts.
 */
export function registerAuthentication(app: App): void {
  const lk = app.latchkey;
  const config = lk.ctx.config;
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);

  app.addHook('onRequest', async (request, reply) => {
    rejectCredentialsInUrl(request, config.keyPrefix);
    // Everything under /v1 needs a credential unless the route says otherwise; docs and probes are public.
    const mode = request.routeOptions.config?.auth ?? (request.routeOptions.url?.startsWith('/v1/') ? 'credential' : 'public');
    if (mode === 'public') return;
    try {
      request.principal = await identify(request, mode);
    } catch (error) {
      if (isAppError(error) && THROTTLED_CODES.has(error.code)) await countAuthFailure(lk, request, reply);
      throw error;
    }
    if (!request.routeOptions.config?.skipApiRateLimit) await applyApiRateLimit(request.principal, reply);
  });

  async function identify(request: FastifyRequest, mode: 'credential' | 'session'): Promise<Principal> {
    const secret = mode === 'credential' ? extractCredential(request, config.extraAuthHeader) : undefined;
    if (secret !== undefined) return lk.authenticator.fromKey(secret, request.ip ?? null);
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) throw new AppError('AUTH_MISSING');
    const csrf = request.headers['x-csrf-token'];
    const session = await lk.authenticator.fromSession(cookie, typeof csrf === 'string' ? csrf : undefined);
    if (!SAFE_METHODS.has(request.method) && !session.csrfValid) throw new AppError('CSRF_FAILED');
    request.sessionId = session.sessionId;
    return session.principal;
  }

  async function applyApiRateLimit(principal: Principal, reply: FastifyReply): Promise<void> {
    const limit = config.apiRateLimit;
    if (!limit) return;
    const now = lk.ctx.now();
    const bucket = principal.keyId ? `api:key:${principal.keyId}` : `api:user:${principal.userId}`;
    const decision = await lk.ctx.rateLimiter.consume(bucket, limit, now);
    const resetSeconds = Math.max(0, Math.ceil((decision.resetAt - now) / 1000));
    reply.header('ratelimit-limit', String(decision.limit));
    reply.header('ratelimit-remaining', String(decision.remaining));
    reply.header('ratelimit-reset', String(resetSeconds));
    if (!decision.allowed) {
      reply.header('retry-after', String(Math.max(1, resetSeconds)));
      throw new AppError('RATE_LIMITED', { details: { limit: decision.limit, windowMs: limit.windowMs } });
    }
  }
}

/**
 * Spends one of the client address's failed-attempt budget; past the budget the failure becomes a 429, so
 * guessing is slowed while a correct credential from the same address still succeeds.
 */
export async function countAuthFailure(lk: Latchkey, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const now = lk.ctx.now();
  const decision = await lk.authFailures.consume(authFailureBucket(request), lk.ctx.config.authFailureLimit, now);
  if (!decision.allowed) throwThrottled(decision, now, reply);
}

/** The per-address counter of failed authentications, shared by key authentication and password sign-in. */
export function authFailureBucket(request: FastifyRequest): string {
  return `ip:${request.ip}`;
}

export function throwThrottled(decision: RateDecision, now: number, reply: FastifyReply): never {
  const retryAfter = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  reply.header('retry-after', String(retryAfter));
  reply.header('ratelimit-limit', String(decision.limit));
  reply.header('ratelimit-remaining', String(decision.remaining));
  reply.header('ratelimit-reset', String(retryAfter));
  throw new AppError('AUTH_THROTTLED', { details: { retryAfterSeconds: retryAfter } });
}
