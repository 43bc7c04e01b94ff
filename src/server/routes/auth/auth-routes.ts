import { Type } from '@sinclair/typebox';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../../domain/app-error.js';
import type { Latchkey } from '../../../services/create-latchkey.js';
import type { App } from '../../app-types.js';
import { authFailureBucket, countAuthFailure, SESSION_COOKIE, throwThrottled } from '../../plugins/authenticate.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES } from '../../schemas/common.js';
import { SignInBody, SignInResponse } from '../../schemas/auth-schemas.js';

/**
 * Once an address has spent its failed-attempt budget, sign-in refuses before checking the password: a guess
 * that happened to be right would otherwise still be told so, and the budget would slow nothing down. The
 * bucket is the one countAuthFailure spends.
 */
async function refuseWhileThrottled(lk: Latchkey, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const now = lk.ctx.now();
  const decision = await lk.authFailures.peek(authFailureBucket(request), lk.ctx.config.authFailureLimit, now);
  if (!decision.allowed) throwThrottled(decision, now, reply);
}

export async function authRoutes(app: App): Promise<void> {
  const lk = app.latchkey;
  const cookieOptions: CookieSerializeOptions = { httpOnly: true, sameSite: 'strict', secure: lk.ctx.config.cookieSecure, path: '/' };

  app.post(
    '/v1/auth/sign-in',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in to the dashboard: sets the session cookie and returns the CSRF token for mutations',
        body: SignInBody,
        response: { 200: SignInResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await refuseWhileThrottled(lk, request, reply);
      const result = await lk.sessions.signIn(request.body, metaOf(request)).catch(async (error: unknown) => {
        if (isAppError(error) && error.code === 'INVALID_SIGN_IN') await countAuthFailure(lk, request, reply);
        throw error;
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, { ...cookieOptions, expires: new Date(result.expiresAt) });
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
    '/v1/auth/sign-out',
    { config: { auth: 'session' }, schema: { tags: ['auth'], summary: 'End the session and clear its cookie', response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await lk.sessions.signOut(principalOf(request), request.sessionId!, metaOf(request));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );
}
