import { Type } from '@sinclair/typebox';
import { AppError } from '../../../domain/app-error.js';
import type { OAuthApplication, OAuthGrant } from '../../../domain/oauth-application.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, IdParams, noContent, ok } from '../../schemas/common.js';
import {
  CreateOAuthApplicationBody,
  CreateOAuthClientBody,
  OAuthApplicationPage,
  OAuthApplicationView,
  OAuthApplicationWithSecretView,
  OAuthClientBulkBody,
  OAuthClientBulkResponse,
  OAuthClientPage,
  OAuthClientWithSecretView,
  OAuthGrantList,
  RegenerateSecretBody,
  UpdateOAuthApplicationBody,
} from './oauth-schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

function applicationView(app: OAuthApplication) {
  return {
    id: app.id,
    clientId: app.clientId,
    name: app.name,
    description: app.description,
    homepage: app.homepage,
    redirectUris: app.redirectUris,
    scopes: app.allowedScopes,
    clientType: app.clientType,
    accessTokenFormat: app.accessTokenFormat,
    enabled: app.enabled,
    createdAt: iso(app.createdAt),
    updatedAt: iso(app.updatedAt),
  };
}

/** A per-user client credential's name is its user's email when it was made (the Xray page's "User" column). */
function clientView(app: OAuthApplication) {
  return { id: app.id, clientId: app.clientId, userId: app.userId!, userEmail: app.name, enabled: app.enabled, createdAt: iso(app.createdAt) };
}

function grantView({ grant, app }: { grant: OAuthGrant; app: OAuthApplication }) {
  return {
    id: grant.id,
    applicationId: app.id,
    applicationName: app.name,
    clientId: app.clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    createdAt: iso(grant.createdAt),
    revokedAt: grant.revokedAt === null ? null : iso(grant.revokedAt),
  };
}

const PageQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Matches the name (for client credentials, the user\'s email) or the client id.' })),
  },
  { additionalProperties: false },
);

/**
 * Managing OAuth under /v1/oauth: applications (owners and admins, latchkey:oauth:write), per-user client
 * credentials (seed 003), and grants (a user's own, or everyone's with latchkey:oauth:read). The protocol
 * endpoints themselves are under /oauth (oauth-routes.ts).
 */
export async function oauthManagementRoutes(app: App): Promise<void> {
  const oauth = app.latchkey.oauth;
  const tags = ['oauth'];
  const appParams = IdParams('oap');
  const errors = (...extra: Array<404 | 409>) => errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, ...extra);
  const secretHeaders = { 'cache-control': 'no-store', pragma: 'no-cache' };

  app.post(
    '/applications',
    { schema: { operationId: 'oauthApplicationsCreate', tags, summary: 'Register an OAuth application; a confidential client\'s secret is in this response only', body: Type.Ref(CreateOAuthApplicationBody), response: { 201: ok(OAuthApplicationWithSecretView, 'The application and its secret.'), ...errors() } } },
    async (request, reply) => {
      const { app: created, clientSecret } = await oauth.createApplication(principalOf(request), request.body as never, metaOf(request));
      return reply.code(201).headers(secretHeaders).send({ application: applicationView(created), clientSecret });
    },
  );

  app.get(
    '/applications',
    { schema: { operationId: 'oauthApplicationsList', tags, summary: 'List OAuth applications, newest first', querystring: PageQuery, response: { 200: ok(OAuthApplicationPage, 'One page.'), ...errorResponses(...CREDENTIAL_ERRORS) } } },
    async (request) => {
      const q = request.query as { page?: number; pageSize?: number; search?: string };
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      const result = await oauth.listApplications(principalOf(request), { ...(q.search ? { search: q.search } : {}), offset: (page - 1) * pageSize, limit: pageSize });
      return { items: result.items.map(applicationView), total: result.total, page, pageSize };
    },
  );

  app.get(
    '/applications/:id',
    { schema: { operationId: 'oauthApplicationsGet', tags, summary: 'Read one OAuth application', params: appParams, response: { 200: ok(OAuthApplicationView, 'The application.'), ...errorResponses(...CREDENTIAL_ERRORS, 404) } } },
    async (request) => applicationView(await oauth.getApplication(principalOf(request), (request.params as { id: string }).id)),
  );

  app.patch(
    '/applications/:id',
    { schema: { operationId: 'oauthApplicationsUpdate', tags, summary: 'Change an application; changing its scopes revokes its grants and tokens', params: appParams, body: Type.Ref(UpdateOAuthApplicationBody), response: { 200: ok(OAuthApplicationView, 'The application.'), ...errors(404) } } },
    async (request) => applicationView(await oauth.updateApplication(principalOf(request), (request.params as { id: string }).id, request.body as never, metaOf(request))),
  );

  app.post(
    '/applications/:id/secret',
    {
      config: { optionalBody: true },
      schema: { operationId: 'oauthApplicationsRegenerateSecret', tags, summary: 'Regenerate a confidential client\'s secret, with an optional grace period for the old one', params: appParams, body: Type.Ref(RegenerateSecretBody), response: { 200: ok(OAuthApplicationWithSecretView, 'The new secret, shown once.'), ...errors(404) } },
    },
    async (request, reply) => {
      const grace = ((request.body as { graceSeconds?: number }).graceSeconds ?? 0) * 1000;
      const { app: updated, clientSecret } = await oauth.regenerateApplicationSecret(principalOf(request), (request.params as { id: string }).id, grace, metaOf(request));
      return reply.headers(secretHeaders).send({ application: applicationView(updated), clientSecret });
    },
  );

  for (const [action, enabled] of [['disable', false], ['enable', true]] as const) {
    app.post(
      `/applications/:id/${action}`,
      {
        schema: {
          operationId: enabled ? 'oauthApplicationsEnable' : 'oauthApplicationsDisable',
          tags,
          summary: enabled ? 'Enable an application again (tokens revoked when it was disabled stay revoked)' : 'Disable an application: every grant and token of it ends now',
          params: appParams,
          response: { 200: ok(OAuthApplicationView, 'The application.'), ...errors(404) },
        },
      },
      async (request) => applicationView(await oauth.setApplicationEnabled(principalOf(request), (request.params as { id: string }).id, enabled, metaOf(request))),
    );
  }

  app.delete(
    '/applications/:id',
    { schema: { operationId: 'oauthApplicationsDelete', tags, summary: 'Delete an application and every grant and token issued to it', params: appParams, response: { 204: noContent('Deleted.'), ...errors(404) } } },
    async (request, reply) => {
      await oauth.deleteApplication(principalOf(request), (request.params as { id: string }).id, metaOf(request));
      return reply.code(204).send(null);
    },
  );

  // ---------------------------------------------------------------- per-user client credentials (seed 003)

  app.post(
    '/clients',
    { schema: { operationId: 'oauthClientsCreate', tags, summary: 'Generate a client id and secret for a user (one per user); the secret is in this response only', body: Type.Ref(CreateOAuthClientBody), response: { 201: ok(OAuthClientWithSecretView, 'The credential and its secret.'), ...errors(404, 409) } } },
    async (request, reply) => {
      const { app: created, clientSecret } = await oauth.createUserCredential(principalOf(request), (request.body as { userId: string }).userId, metaOf(request));
      return reply.code(201).headers(secretHeaders).send({ client: clientView(created), clientSecret });
    },
  );

  app.get(
    '/clients',
    { schema: { operationId: 'oauthClientsList', tags, summary: 'List per-user client credentials: search, page and page size', querystring: PageQuery, response: { 200: ok(OAuthClientPage, 'One page.'), ...errorResponses(...CREDENTIAL_ERRORS) } } },
    async (request) => {
      const q = request.query as { page?: number; pageSize?: number; search?: string };
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      const result = await oauth.listUserCredentials(principalOf(request), { ...(q.search ? { search: q.search } : {}), offset: (page - 1) * pageSize, limit: pageSize });
      return { items: result.items.map(clientView), total: result.total, page, pageSize };
    },
  );

  app.post(
    '/clients/:id/secret',
    { schema: { operationId: 'oauthClientsRegenerateSecret', tags, summary: 'Regenerate a client credential\'s secret; the old one stops at once', params: appParams, response: { 200: ok(OAuthClientWithSecretView, 'The new secret, shown once.'), ...errors(404) } } },
    async (request, reply) => {
      const id = (request.params as { id: string }).id;
      const principal = principalOf(request);
      const [result] = await oauth.bulkUserCredentials(principal, 'regenerate', [id], metaOf(request));
      if (!result || result.outcome !== 'regenerated') throw new AppError('NOT_FOUND');
      return reply.headers(secretHeaders).send({ client: clientView(await oauth.getUserCredential(principal, id)), clientSecret: result.clientSecret! });
    },
  );

  app.delete(
    '/clients/:id',
    { schema: { operationId: 'oauthClientsDelete', tags, summary: 'Delete a client credential and every token issued with it', params: appParams, response: { 204: noContent('Deleted.'), ...errors(404) } } },
    async (request, reply) => {
      const [result] = await oauth.bulkUserCredentials(principalOf(request), 'delete', [(request.params as { id: string }).id], metaOf(request));
      if (!result || result.outcome !== 'deleted') throw new AppError('NOT_FOUND');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clients/bulk',
    { schema: { operationId: 'oauthClientsBulk', tags, summary: 'Delete or regenerate many client credentials at once, with a result per id', body: Type.Ref(OAuthClientBulkBody), response: { 200: ok(OAuthClientBulkResponse, 'A result per id; new secrets are shown once.'), ...errors() } } },
    async (request, reply) => {
      const body = request.body as { action: 'delete' | 'regenerate'; ids: string[] };
      const results = await oauth.bulkUserCredentials(principalOf(request), body.action, body.ids, metaOf(request));
      return reply.headers(secretHeaders).send({ results });
    },
  );

  // ---------------------------------------------------------------- grants

  app.get(
    '/grants',
    {
      schema: {
        operationId: 'oauthGrantsList',
        tags,
        summary: "The caller's authorized applications; all=true (latchkey:oauth:read) lists the organization's",
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: ok(OAuthGrantList, 'Live grants.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => ({ items: (await oauth.listGrants(principalOf(request), (request.query as { all?: boolean }).all === true)).map(grantView) }),
  );

  app.delete(
    '/grants/:id',
    { schema: { operationId: 'oauthGrantsRevoke', tags, summary: 'Revoke a grant: its access and refresh tokens end at the next request', params: IdParams('ogr'), response: { 204: noContent('Revoked.'), ...errors(404) } } },
    async (request, reply) => {
      await oauth.revokeGrant(principalOf(request), (request.params as { id: string }).id, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
