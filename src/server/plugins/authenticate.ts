import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../domain/app-error.js';
import type { Principal } from '../../domain/principal.js';
import type { Latchkey } from '../../services/create-latchkey.js';
import type { RateDecision } from '../../ports/rate-limiter.js';
import type { App } from '../app-types.js';
import { extractCredential } from './extract-credential.js';
import { rejectCredentialsInUrl } from './reject-credentials-in-url.js';

export const SESSION_COOKIE = 'latchkey_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const THROTTLED_CODES = new Set(['AUTH_INVALID', 'AUTH_REVOKED', 'AUTH_EXPIRED', 'AUTH_DISABLED']);

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
    rejectCredentialsInUrl(request, config.tokenFormat);
    // Everything under /v1 needs a credential unless the route says otherwise; docs and probes are public.
    const mode = request.routeOptions.config?.auth ?? (request.routeOptions.url?.startsWith('/v1/') ? 'credential' : 'public');
    if (mode === 'public') return;
    try {
      request.principal = await identify(request, mode);
    } catch (error) {
      if (isAppError(error) && THROTTLED_CODES.has(error.code)) countAuthFailure(lk, request, reply);
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
 * Spends one of the client address's failed-attempt budget after an API credential failed; past the budget the
 * failure becomes a 429. Credentials here are never gated by the budget (a correct key from the same address
 * still succeeds, since ~190 random bits cannot be guessed), so what the budget bounds is the number of 401
 * answers, and the count is one synchronous check-and-increment however many failures arrive at once.
 */
export function countAuthFailure(lk: Latchkey, request: FastifyRequest, reply: FastifyReply): void {
  const now = lk.ctx.now();
  const spent = lk.authFailures.reserve(authFailureBucket(request), lk.ctx.config.authFailureLimit, now);
  if (!spent.decision.allowed) throwThrottled(spent.decision, now, reply);
}

/**
 * For checks where a right guess is the threat (passwords, setup, invitation tokens): reserves one attempt of
 * the client address's budget before `work` runs, synchronously, so no more than the budget is ever checked in
 * a window however many requests arrive at once, and a spent budget refuses with 429 before any check. Only a
 * success gives its own attempt back; every failure, of whatever kind, keeps it spent.
 */
export async function withAuthAttempt<T>(lk: Latchkey, request: FastifyRequest, reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  const now = lk.ctx.now();
  const attempt = lk.authFailures.reserve(authFailureBucket(request), lk.ctx.config.authFailureLimit, now);
  if (!attempt.decision.allowed) throwThrottled(attempt.decision, now, reply);
  const result = await work();
  attempt.release();
  return result;
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
