import { Type } from '@sinclair/typebox';
import { OAUTH_ERROR_CODES } from '../../../domain/oauth-error.js';
import { Id, NullableTimestamp, StringEnum, Text, Timestamp } from '../../schemas/common.js';

const Param = (description: string) => Type.Optional(Type.String({ maxLength: 4096, description }));

export const AuthorizeQuery = Type.Object(
  {
    response_type: Param('Must be `code`.'),
    client_id: Param('The application\'s client id.'),
    redirect_uri: Param('One of the redirect URIs the application registered, exactly.'),
    scope: Param('Space-separated permission names; empty or absent: every scope the application may ask for.'),
    state: Param('Returned unchanged.'),
    code_challenge: Param('PKCE: base64url(SHA-256(code_verifier)).'),
    code_challenge_method: Param('Must be `S256`.'),
  },
  { additionalProperties: true },
);

/** Parameters of RFC 6749 §4.1.3, §6 and §4.4; unknown ones are ignored (RFC 6749 §3.2). */
export const TokenBody = Type.Object(
  {
    grant_type: Param('authorization_code, refresh_token or client_credentials.'),
    code: Param('authorization_code: the code.'),
    redirect_uri: Param('authorization_code: the redirect_uri of the authorization request.'),
    code_verifier: Param('authorization_code: the PKCE verifier.'),
    refresh_token: Param('refresh_token: the refresh token.'),
    scope: Param('refresh_token: a narrower scope; client_credentials: the scopes wanted.'),
    client_id: Param('client_secret_post, or a public client.'),
    client_secret: Param('client_secret_post.'),
  },
  { additionalProperties: true },
);

export const RevokeBody = Type.Object(
  {
    token: Param('The token.'),
    token_type_hint: Param('access_token or refresh_token.'),
    client_id: Param('client_secret_post.'),
    client_secret: Param('client_secret_post.'),
  },
  { additionalProperties: true },
);

export const OAuthErrorResponse = Type.Object(
  {
    error: StringEnum(OAUTH_ERROR_CODES),
    error_description: Type.Optional(Type.String()),
  },
  { $id: 'OAuthError', description: 'RFC 6749 §5.2: the error format of /oauth/*.' },
);

export const TokenResponseSchema = Type.Object(
  {
    access_token: Type.String({ examples: ['lk_oauth_3hK9dQ2mXa7Lp0Rt5VwZ3hK9dQ2mXa7L0aBcDe'] }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds.' }),
    scope: Type.String(),
    refresh_token: Type.Optional(Type.String({ description: 'Not for client_credentials. Rotates on every use.' })),
  },
  { $id: 'OAuthTokenResponse', description: 'RFC 6749 §5.1.' },
);

export const IntrospectionResponse = Type.Object(
  {
    active: Type.Boolean(),
    token_type: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    sub: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    iat: Type.Optional(Type.Integer()),
    exp: Type.Optional(Type.Integer()),
    iss: Type.Optional(Type.String()),
  },
  { $id: 'OAuthIntrospection', description: 'RFC 7662 §2.2; exactly `{"active": false}` when not active.' },
);

export const AuthorizationServerMetadata = Type.Object(
  {
    issuer: Type.String(),
    authorization_endpoint: Type.String(),
    token_endpoint: Type.String(),
    revocation_endpoint: Type.String(),
    introspection_endpoint: Type.String(),
    jwks_uri: Type.String({ description: 'The keys that sign JWT access tokens (RFC 9068).' }),
    response_types_supported: Type.Array(Type.String()),
    response_modes_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    code_challenge_methods_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
    introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
    service_documentation: Type.String(),
  },
  { $id: 'OAuthServerMetadata', description: 'RFC 8414 §2: what this server supports, and nothing more.' },
);

// ---------------------------------------------------------------- management

const AccessTokenFormat = StringEnum(['opaque', 'jwt'] as const, {
  description: 'opaque (default): a Latchkey credential, checked by calling Latchkey; jwt: an RFC 9068 JWT (ES256, typ at+jwt) a resource server can also verify offline against /.well-known/jwks.json.',
});

const ClientId = Type.String({ pattern: '^[0-9A-F]{32}$', examples: ['8CF3CEA946DB4059A9999D3AF4035EFE'], description: '32 hex characters (seed 003).' });

export const OAuthApplicationView = Type.Object(
  {
    id: Id('oap'),
    clientId: ClientId,
    name: Type.String(),
    description: Type.String(),
    homepage: Type.Union([Type.String(), Type.Null()]),
    redirectUris: Type.Array(Type.String()),
    scopes: Type.Array(Type.String(), { description: 'What the application may ask for.' }),
    clientType: StringEnum(['confidential', 'public'] as const),
    accessTokenFormat: AccessTokenFormat,
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'OAuthApplication', description: 'A registered OAuth application. The client secret is never part of it.' },
);

export const OAuthApplicationWithSecretView = Type.Object(
  { application: Type.Ref(OAuthApplicationView), clientSecret: Type.Union([Type.String(), Type.Null()], { description: 'Shown once; null for a public client.' }) },
  { $id: 'OAuthApplicationWithSecret', description: 'A new application, or a new secret, with the secret shown this once.' },
);

export const OAuthApplicationPage = Type.Object(
  { items: Type.Array(Type.Ref(OAuthApplicationView)), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'OAuthApplicationPage', description: 'One page of applications.' },
);

const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { minItems: 1, maxItems: 20, description: 'Exact https URIs (http only on a loopback address).' });
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 100, description: 'Permission names from the catalog.' });

export const CreateOAuthApplicationBody = Type.Object(
  {
    name: Text(100, 1),
    description: Type.Optional(Text(1000)),
    homepage: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    redirectUris: RedirectUris,
    scopes: Scopes,
    clientType: Type.Optional(StringEnum(['confidential', 'public'] as const, { description: 'confidential (default): has a secret; public: PKCE only.' })),
    accessTokenFormat: Type.Optional(AccessTokenFormat),
  },
  { $id: 'CreateOAuthApplication', additionalProperties: false },
);

export const UpdateOAuthApplicationBody = Type.Object(
  {
    name: Type.Optional(Text(100, 1)),
    description: Type.Optional(Text(1000)),
    homepage: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    redirectUris: Type.Optional(RedirectUris),
    scopes: Type.Optional(Scopes),
    accessTokenFormat: Type.Optional(AccessTokenFormat),
  },
  { $id: 'UpdateOAuthApplication', additionalProperties: false, description: 'Changing the scopes revokes every grant and token of the application.' },
);

export const RegenerateSecretBody = Type.Object(
  { graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000, description: 'How long the old secret keeps working; 0 (default): not at all.' })) },
  { $id: 'RegenerateClientSecret', additionalProperties: false },
);

export const OAuthClientView = Type.Object(
  {
    id: Id('oap'),
    clientId: ClientId,
    userId: Id('usr'),
    userEmail: Type.String(),
    enabled: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'OAuthClientCredential', description: 'A per-user client credential (seed 003): client_credentials acting for the user.' },
);

export const OAuthClientWithSecretView = Type.Object(
  { client: Type.Ref(OAuthClientView), clientSecret: Type.String({ description: 'Shown once.' }) },
  { $id: 'OAuthClientCredentialWithSecret', description: 'A client credential with its secret, shown this once.' },
);

export const OAuthClientPage = Type.Object(
  { items: Type.Array(Type.Ref(OAuthClientView)), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'OAuthClientCredentialPage', description: 'One page of client credentials.' },
);

export const CreateOAuthClientBody = Type.Object({ userId: Id('usr') }, { $id: 'CreateOAuthClientCredential', additionalProperties: false });

export const OAuthClientBulkBody = Type.Object(
  { action: StringEnum(['delete', 'regenerate'] as const), ids: Type.Array(Id('oap'), { minItems: 1, maxItems: 100_000 }) },
  { $id: 'OAuthClientCredentialBulk', additionalProperties: false },
);

export const OAuthClientBulkResponse = Type.Object(
  {
    results: Type.Array(
      Type.Object({ id: Type.String(), outcome: StringEnum(['deleted', 'regenerated', 'not_found'] as const), clientSecret: Type.Optional(Type.String({ description: 'regenerated: shown once.' })) }),
    ),
  },
  { $id: 'OAuthClientCredentialBulkResult', description: 'One result per id, in the order asked.' },
);

export const OAuthGrantView = Type.Object(
  {
    id: Id('ogr'),
    applicationId: Id('oap'),
    applicationName: Type.String(),
    clientId: ClientId,
    userId: Id('usr'),
    scopes: Type.Array(Type.String()),
    createdAt: Timestamp,
    revokedAt: NullableTimestamp,
  },
  { $id: 'OAuthGrant', description: "A user's authorization of an application." },
);

export const OAuthGrantList = Type.Object({ items: Type.Array(Type.Ref(OAuthGrantView)) }, { $id: 'OAuthGrantList', description: 'Grants, newest first.' });

export const JsonWebKeySet = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        {
          kty: Type.Literal('EC'),
          crv: Type.Literal('P-256'),
          x: Type.String(),
          y: Type.String(),
          kid: Type.String({ description: 'The RFC 7638 thumbprint of the key.' }),
          alg: Type.Literal('ES256'),
          use: Type.Literal('sig'),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'JsonWebKeySet', description: 'RFC 7517 §5: the public keys signing JWT access tokens, the current one and retired ones whose tokens may still be live.' },
);

export const OAUTH_SCHEMAS = [
  JsonWebKeySet,
  OAuthErrorResponse,
  TokenResponseSchema,
  IntrospectionResponse,
  AuthorizationServerMetadata,
  OAuthApplicationView,
  OAuthApplicationWithSecretView,
  OAuthApplicationPage,
  CreateOAuthApplicationBody,
  UpdateOAuthApplicationBody,
  RegenerateSecretBody,
  OAuthClientView,
  OAuthClientWithSecretView,
  OAuthClientPage,
  CreateOAuthClientBody,
  OAuthClientBulkBody,
  OAuthClientBulkResponse,
  OAuthGrantView,
  OAuthGrantList,
];
