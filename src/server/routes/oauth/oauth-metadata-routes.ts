import type { FastifyRequest } from 'fastify';
import type { App } from '../../app-types.js';
import { ok } from '../../schemas/common.js';
import { AuthorizationServerMetadata, JsonWebKeySet } from './oauth-schemas.js';

/** LATCHKEY_OAUTH_ISSUER, or this request's own origin (fine for one host name; set the variable behind a proxy). */
export function issuerOf(request: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${request.protocol}://${request.host}`;
}

/**
 * RFC 8414 metadata at /.well-known/oauth-authorization-server: exactly what the server does. No implicit or
 * password grant, no `plain` PKCE, no registration endpoint. `jwks_uri` publishes the keys of JWT access tokens
 * (RFC 9068), for applications that ask for them.
 */
export async function oauthMetadataRoutes(app: App): Promise<void> {
  const lk = app.latchkey;
  app.get(
    '/.well-known/oauth-authorization-server',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthMetadata',
        tags: ['oauth'],
        summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
        security: [],
        response: { 200: ok(AuthorizationServerMetadata, 'The metadata.') },
      },
    },
    async (request) => {
      const issuer = issuerOf(request, lk.ctx.config.oauth.issuer);
      const clientAuth = ['client_secret_basic', 'client_secret_post'];
      return {
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
        revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
        introspection_endpoint_auth_methods_supported: clientAuth,
        service_documentation: `${issuer}/docs`,
      };
    },
  );
  app.get(
    '/.well-known/jwks.json',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'oauthJwks',
        tags: ['oauth'],
        summary: 'The public keys that sign JWT access tokens (RFC 7517, RFC 9068)',
        description: 'A resource server fetches this to verify JWT access tokens offline; a token with a kid it does not know is a reason to fetch it again.',
        security: [],
        response: { 200: ok(JsonWebKeySet, 'The key set.') },
      },
    },
    async (_request, reply) => {
      // Short, so a rotation reaches resource servers quickly; they refetch on an unknown kid anyway.
      reply.header('cache-control', 'public, max-age=300');
      return lk.signingKeys.jwks();
    },
  );
}
