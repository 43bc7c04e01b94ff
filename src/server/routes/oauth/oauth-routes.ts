import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../../domain/app-error.js';
import { OAuthError } from '../../../domain/oauth-error.js';
import type { Principal } from '../../../domain/principal.js';
import type { AuthorizationParams } from '../../../services/oauth-service.js';
import type { App } from '../../app-types.js';
import { readBody } from '../../edge/body-reader.js';
import { SESSION_COOKIE } from '../../plugins/authenticate.js';
import { extractCredential } from '../../plugins/extract-credential.js';
import { metaOf } from '../../request-meta-of.js';
import { issuerOf } from './oauth-metadata-routes.js';
import { consentPage, consentPageHeaders, errorPage, PAGE_HEADERS, signInPage } from './consent-page.js';
import { clientAuthOf, FORM, paramsOf, parseForm, sendOAuthError } from './oauth-protocol.js';
import { AuthorizeQuery, RevokeBody, TokenBody } from './oauth-schemas.js';

const AUTHORIZE_FIELDS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;

function authorizationParams(source: Record<string, unknown>): AuthorizationParams {
  const params: AuthorizationParams = {};
  for (const field of AUTHORIZE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string') params[field] = value;
  }
  return params;
}

/** Adds the §4.1.2 parameters to the client's redirect URI, keeping any query it registered. */
function redirectTo(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/**
 * The OAuth 2.0 protocol endpoints under /oauth (RFC 6749, 7636, 7009, 7662). The area has its own body parser
 * (forms as well as JSON) and its own error format (RFC 6749 §5.2), neither of which reaches any other area.
 * Every route is public to the app's authentication hook: each authenticates its caller itself (a client, a
 * session, or a Bearer credential for introspection).
 */
export async function oauthRoutes(app: App): Promise<void> {
  const lk = app.latchkey;
  const oauth = lk.oauth;

  app.addContentTypeParser('application/x-www-form-urlencoded', async (request: FastifyRequest, payload: IncomingMessage) => {
    const body = await readBody(payload, request.headers);
    if (body.length === 0) return undefined;
    const text = body.toString('utf8');
    if (Buffer.from(text, 'utf8').compare(body) !== 0) throw new OAuthError('invalid_request', 'The body must be UTF-8.');
    return Object.assign(parseForm(text), { [FORM]: true });
  });
  app.setErrorHandler((error, request, reply) => {
    // The authorization endpoint speaks to a person: errors there are pages, never a redirect.
    if (request.routeOptions.url === '/oauth/authorize') {
      if (isAppError(error) && error.code === 'STORAGE_UNAVAILABLE') return reply.code(503).headers({ ...PAGE_HEADERS, 'retry-after': '1' }).send(errorPage('The service is unavailable; try again shortly.'));
      if (!isAppError(error) || error.status >= 500) request.log.error({ err: error }, 'oauth authorize failed');
      return reply.code(400).headers(PAGE_HEADERS).send(errorPage('The request is not valid.'));
    }
    return sendOAuthError(reply, error);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
  });

  /** The signed-in dashboard session, or null (no cookie, or one that has ended). */
  async function sessionOf(request: FastifyRequest): Promise<{ principal: Principal; sessionId: string } | null> {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return null;
    try {
      const session = await lk.authenticator.fromSession(cookie, undefined);
      return { principal: session.principal, sessionId: session.sessionId };
    } catch (error) {
      if (isAppError(error) && error.code === 'AUTH_INVALID') return null;
      throw error;
    }
  }

  async function answerCheck(reply: FastifyReply, check: Awaited<ReturnType<typeof oauth.checkAuthorization>>, session: { principal: Principal; sessionId: string }, params: AuthorizationParams): Promise<FastifyReply> {
    if (check.outcome === 'error_page') return reply.code(400).headers(PAGE_HEADERS).send(errorPage(check.message));
    if (check.outcome === 'redirect_error') {
      // 303, never 307, so the browser does not repeat a POST to the client (RFC 9700 §4.12).
      return reply.code(303).header('location', redirectTo(check.redirectUri, { error: check.error, error_description: check.description, state: check.state })).send();
    }
    const redirectOrigin = new URL(check.redirectUri).origin;
    const view = consentPage({
      appName: check.app.name,
      appDescription: check.app.description,
      homepage: check.app.homepage,
      organizationName: check.organizationName,
      userEmail: check.userEmail,
      granted: check.granted,
      dropped: check.dropped,
      params,
      csrfToken: await oauth.consentToken(session.sessionId, params),
      redirectOrigin,
    });
    return reply.code(200).headers(consentPageHeaders(redirectOrigin)).send(view);
  }

  app.get(
    '/authorize',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthAuthorize',
        tags: ['oauth'],
        summary: 'Authorization endpoint (RFC 6749 §4.1.1, PKCE S256 required): a consent page for the signed-in user',
        description:
          'Answers an HTML page: the consent form for a signed-in dashboard session, a sign-in prompt without one, or an error page when the client or redirect_uri cannot be trusted (never a redirect then). Other errors redirect (303) to the redirect_uri with `error` and the unchanged `state`.',
        security: [{ session: [] }],
        querystring: AuthorizeQuery,
        response: {
          200: { description: 'The consent page, or a page asking the user to sign in.', content: { 'text/html': { schema: Type.String() } } },
          303: { description: 'Back to the client with `error` and `state` (RFC 6749 §4.1.2.1).', type: 'null' },
          400: { description: 'An error page: unknown client, missing or unregistered redirect_uri.', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (request, reply) => {
      const params = authorizationParams(request.query as Record<string, unknown>);
      const session = await sessionOf(request);
      if (!session) return reply.code(200).headers(PAGE_HEADERS).send(signInPage(request.url));
      return answerCheck(reply, await oauth.checkAuthorization(session.principal, params), session, params);
    },
  );

  app.post(
    '/authorize',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthAuthorizeDecide',
        tags: ['oauth'],
        summary: "The consent form's answer: approve issues a code, deny answers access_denied; both redirect (303) with state",
        security: [{ session: [] }],
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object(
          {
            ...Object.fromEntries(AUTHORIZE_FIELDS.map((f) => [f, Type.Optional(Type.String({ maxLength: 2048 }))])),
            csrf_token: Type.String({ maxLength: 256 }),
            decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
          },
          { additionalProperties: false },
        ),
        response: {
          303: { description: 'Back to the client with `code` and `state`, or `error=access_denied` and `state`.', type: 'null' },
          400: { description: 'An error page.', content: { 'text/html': { schema: Type.String() } } },
          403: { description: 'An error page: the form is stale, forged or for another session.', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (request, reply) => {
      if (!(request.body as Record<symbol, unknown>)[FORM]) return reply.code(400).headers(PAGE_HEADERS).send(errorPage('The consent form must be posted as a form.'));
      const body = request.body as Record<string, string>;
      const params = authorizationParams(body);
      const session = await sessionOf(request);
      if (!session || !(await oauth.consentTokenValid(session.sessionId, params, body.csrf_token))) {
        return reply.code(403).headers(PAGE_HEADERS).send(errorPage('This consent form has expired or was not issued to your session. Start again from the application.'));
      }
      if (body.decision === 'deny') {
        const check = await oauth.checkAuthorization(session.principal, params);
        if (check.outcome !== 'consent') return answerCheck(reply, check, session, params);
        return reply.code(303).header('location', redirectTo(check.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', state: check.state })).send();
      }
      const approved = await oauth.approve(session.principal, params, metaOf(request));
      if (!('code' in approved)) return answerCheck(reply, approved, session, params);
      return reply.code(303).header('location', redirectTo(approved.redirectUri, { code: approved.code, state: approved.state })).send();
    },
  );

  const formOrJson = ['application/x-www-form-urlencoded', 'application/json'];
  const oauthErrors = {
    400: { $ref: 'OAuthError#', description: 'RFC 6749 §5.2: invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type or invalid_scope.' },
    401: { $ref: 'OAuthError#', description: 'invalid_client, with `WWW-Authenticate: Basic`.' },
    413: { $ref: 'OAuthError#', description: 'The body is over 1 MiB.' },
    503: { $ref: 'OAuthError#', description: 'temporarily_unavailable: storage cannot answer.' },
  };

  app.post(
    '/token',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthToken',
        tags: ['oauth'],
        summary: 'Token endpoint (RFC 6749 §3.2): authorization_code with PKCE, refresh_token (rotating), client_credentials',
        description: 'Form (RFC 6749) or JSON (seed 001) bodies; client_secret_basic or client_secret_post. Answers are never cached.',
        security: [{ clientBasic: [] }, {}],
        consumes: formOrJson,
        body: TokenBody,
        response: { 200: { $ref: 'OAuthTokenResponse#', description: 'RFC 6749 §5.1.' }, ...oauthErrors },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      const auth = clientAuthOf(request, params);
      if (params.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required.');
      const known = ['authorization_code', 'refresh_token', 'client_credentials'];
      if (!known.includes(params.grant_type)) throw new OAuthError('unsupported_grant_type', 'Supported: authorization_code, refresh_token, client_credentials.');
      if (!auth) throw new OAuthError('invalid_client', 'Client authentication is required.');
      const client = await oauth.authenticateClient(auth);
      const meta = metaOf(request);
      const issue = { issuer: issuerOf(request, lk.ctx.config.oauth.issuer) };
      const grant = params.grant_type;
      let response;
      if (grant === 'authorization_code') {
        response = await oauth.exchangeCode(client, { code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier }, meta, issue);
      } else if (grant === 'refresh_token') {
        if (client.clientType === 'confidential' && auth.clientSecret === null) throw new OAuthError('invalid_client', 'Client authentication is required.');
        response = await oauth.refresh(client, { refreshToken: params.refresh_token, scope: params.scope }, meta, issue);
      } else {
        if (client.clientType !== 'confidential' || auth.clientSecret === null) throw new OAuthError('unauthorized_client', 'client_credentials needs a confidential client.');
        response = await oauth.clientCredentials(client, { scope: params.scope }, issue);
      }
      return reply.code(200).send(response);
    },
  );

  app.post(
    '/revoke',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthRevoke',
        tags: ['oauth'],
        summary: "Revocation (RFC 7009): ends one of the client's tokens; a refresh token takes its access tokens with it",
        description: 'An unknown token, or one of another client, answers the same 200.',
        security: [{ clientBasic: [] }, {}],
        consumes: formOrJson,
        body: RevokeBody,
        response: { 200: { type: 'null', description: 'Revoked, or nothing to revoke.' }, ...oauthErrors },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      const auth = clientAuthOf(request, params);
      if (!auth) throw new OAuthError('invalid_client', 'Client authentication is required.');
      const client = await oauth.authenticateClient(auth);
      if (params.token_type_hint !== undefined && !['access_token', 'refresh_token'].includes(params.token_type_hint)) {
        throw new OAuthError('unsupported_token_type', 'token_type_hint must be access_token or refresh_token.');
      }
      await oauth.revokeToken(client, params.token, metaOf(request));
      return reply.code(200).send();
    },
  );

  app.post(
    '/introspect',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthIntrospect',
        tags: ['oauth'],
        summary: 'Introspection (RFC 7662) for an authenticated client, or a Bearer credential holding latchkey:keys:verify',
        description: 'A token that is not active, or that the caller may not see, is exactly `{"active": false}`.',
        security: [{ clientBasic: [] }, { bearer: [] }],
        consumes: formOrJson,
        body: RevokeBody,
        response: { 200: { $ref: 'OAuthIntrospection#', description: 'RFC 7662 §2.2.' }, ...oauthErrors, 403: { $ref: 'OAuthError#', description: 'The Bearer credential lacks latchkey:keys:verify.' } },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      const header = request.headers.authorization;
      if (header !== undefined && /^bearer /i.test(header)) {
        if (params.client_secret !== undefined) throw new OAuthError('invalid_request', 'Use one authentication method, not two.');
        const secret = extractCredential(request, lk.ctx.config.extraAuthHeader);
        const principal = await lk.authenticator.fromKey(secret ?? '', request.ip ?? null);
        return reply.code(200).send(await oauth.introspect({ principal }, params.token));
      }
      const auth = clientAuthOf(request, params);
      if (!auth || auth.clientSecret === null) throw new OAuthError('invalid_client', 'Introspection needs client authentication or a Bearer credential.');
      const client = await oauth.authenticateClient(auth);
      return reply.code(200).send(await oauth.introspect({ app: client }, params.token));
    },
  );
}

