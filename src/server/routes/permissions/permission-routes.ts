import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, noContent, ok } from '../../schemas/common.js';
import { CatalogEntryView, CatalogView, DeclarePermissionBody, PermissionParams } from '../../schemas/permission-schemas.js';

/** The permission catalog, under /v1/permissions. */
export async function permissionRoutes(app: App): Promise<void> {
  const permissions = app.latchkey.permissions;

  app.get(
    '',
    {
      schema: {
        operationId: 'permissionsList',
        tags: ['permissions'],
        summary: 'The permission catalog and the read/write/admin presets',
        response: { 200: ok(CatalogView, 'The catalog.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => permissions.list(principalOf(request)),
  );

  app.post(
    '',
    {
      schema: {
        operationId: 'permissionsCreate',
        tags: ['permissions'],
        summary: 'Declare a permission of the protected API',
        body: Type.Ref(DeclarePermissionBody),
        response: { 201: ok(CatalogEntryView, 'The declared permission.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await permissions.declare(principalOf(request), request.body, metaOf(request))),
  );

  app.delete(
    '/:name',
    {
      schema: {
        operationId: 'permissionsDelete',
        tags: ['permissions'],
        summary: 'Remove a permission this organization declared; keys holding it keep it',
        params: PermissionParams,
        response: { 204: noContent('Removed.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      await permissions.remove(principalOf(request), request.params.name, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
