import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES } from '../../schemas/common.js';
import { CatalogEntryView, CatalogView, DeclarePermissionBody, PermissionParams } from '../../schemas/permission-schemas.js';

export async function permissionRoutes(app: App): Promise<void> {
  const permissions = app.latchkey.permissions;

  app.get(
    '/v1/permissions',
    { schema: { tags: ['permissions'], summary: 'The permission catalog and the read/write/admin presets', response: { 200: CatalogView, ...ERROR_RESPONSES } } },
    async (request) => permissions.list(principalOf(request)),
  );

  app.post(
    '/v1/permissions',
    {
      schema: {
        tags: ['permissions'],
        summary: 'Declare a permission of the protected API',
        body: DeclarePermissionBody,
        response: { 201: CatalogEntryView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await permissions.declare(principalOf(request), request.body, metaOf(request))),
  );

  app.delete(
    '/v1/permissions/:name',
    {
      schema: {
        tags: ['permissions'],
        summary: 'Remove a permission this organization declared; keys holding it keep it',
        params: PermissionParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await permissions.remove(principalOf(request), request.params.name, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
