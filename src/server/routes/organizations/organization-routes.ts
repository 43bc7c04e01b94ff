import { Type } from '@sinclair/typebox';
import type { OrganizationMembership } from '../../../services/organization-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES } from '../../schemas/common.js';
import { CreateOrganizationBody, OrganizationView } from '../../schemas/organization-schemas.js';

function organizationView(org: OrganizationMembership) {
  return { ...org, createdAt: new Date(org.createdAt).toISOString() };
}

export async function organizationRoutes(app: App): Promise<void> {
  const organizations = app.latchkey.organizations;

  app.get(
    '/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: "The signed-in user's organizations with their role in each; for a key, its own organization",
        response: { 200: Type.Object({ items: Type.Array(OrganizationView), nextCursor: Type.Null() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: (await organizations.list(principalOf(request))).map(organizationView), nextCursor: null }),
  );

  app.post(
    '/v1/organizations',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['organizations'],
        summary: 'Create an organization; the signed-in user becomes its owner',
        body: CreateOrganizationBody,
        response: { 201: OrganizationView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(organizationView(await organizations.create(principalOf(request), request.body, metaOf(request)))),
  );
}
