import { Type } from '@sinclair/typebox';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { isAppError } from '../../../domain/app-error.js';
import type { Latchkey } from '../../../services/create-latchkey.js';
import type { App } from '../../app-types.js';
import { SESSION_COOKIE, withAuthAttempt } from '../../plugins/authenticate.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, errorResponses, noContent, ok } from '../../schemas/common.js';
import { SignInBody, SignInResponse } from '../../schemas/auth-schemas.js';

/**
 * `Secure` whenever the request came over TLS: to this process directly, or to a proxy trusted by
 * LATCHKEY_TRUST_PROXY that says so in X-Forwarded-Proto (Fastify believes that header only from a trusted
 * address). LATCHKEY_COOKIE_SECURE=true forces it for proxies that do not send the header.
 */
export function sessionCookieOptions(lk: Latchkey, request: FastifyRequest): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', secure: lk.ctx.config.cookieSecure || request.protocol === 'https', path: '/' };
}

/** Dashboard sessions, under /v1/auth. */
export async function authRoutes(app: App): Promise<void> {
  const lk = app.latchkey;

  app.post(
    '/sign-in',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'authSignIn',
        security: [],
        tags: ['auth'],
        summary: 'Sign in to the dashboard: sets the session cookie and returns the CSRF token for mutations',
        body: Type.Ref(SignInBody),
        response: { 200: ok(SignInResponse, 'Signed in; the latchkey_session cookie is set.'), ...errorResponses(400, 401, 429, 503, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      // The attempt is reserved before the password is checked, so a burst of guesses cannot all be checked
      // while the budget still looks unspent; a spent budget answers 429 without checking, right or wrong.
      const result = await withAuthAttempt(lk, request, reply, () => lk.sessions.signIn(request.body, metaOf(request))).catch((error: unknown) => {
        if (isAppError(error) && error.code === 'INVALID_SIGN_IN') {
          // Not audited into any organization (the caller proved nothing); logged for the operator instead.
          const cause = error.cause as { reason?: string; userId?: string | null } | undefined;
          request.log.warn({ event: 'auth.sign_in_failed', reason: cause?.reason, userId: cause?.userId ?? null, ip: request.ip }, 'sign-in failed');
        }
        throw error;
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, { ...sessionCookieOptions(lk, request), expires: new Date(result.expiresAt) });
      return {
        user: result.user,
        organization: result.organization,
        role: result.role,
        csrfToken: result.csrfToken,
        expiresAt: new Date(result.expiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/sign-out',
    {
      config: { auth: 'session' },
      schema: {
        operationId: 'authSignOut',
        security: [{ session: [] }],
        tags: ['auth'],
        summary: 'End the session and clear its cookie',
        response: { 204: noContent('Signed out; the cookie is cleared.'), ...errorResponses(400, 401, 403, 429, 503, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      await lk.sessions.signOut(principalOf(request), request.sessionId!, metaOf(request));
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(lk, request));
      return reply.code(204).send(null);
    },
  );
}
