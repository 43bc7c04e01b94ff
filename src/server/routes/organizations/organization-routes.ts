import { Type } from '@sinclair/typebox';
import type { OrganizationMembership } from '../../../services/organization-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, ok } from '../../schemas/common.js';
import { CreateOrganizationBody, OrganizationList, OrganizationView } from '../../schemas/organization-schemas.js';

function organizationView(org: OrganizationMembership) {
  return { ...org, createdAt: new Date(org.createdAt).toISOString() };
}

/** Organizations, under /v1/organizations. */
export async function organizationRoutes(app: App): Promise<void> {
  const organizations = app.latchkey.organizations;

  app.get(
    '',
    {
      schema: {
        operationId: 'organizationsList',
        tags: ['organizations'],
        summary: "The signed-in user's organizations with their role in each; for a key, its own organization",
        response: { 200: ok(OrganizationList, 'Organizations the caller belongs to.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => ({ items: (await organizations.list(principalOf(request))).map(organizationView), nextCursor: null }),
  );

  app.post(
    '',
    {
      config: { auth: 'session' },
      schema: {
        operationId: 'organizationsCreate',
        security: [{ session: [] }],
        tags: ['organizations'],
        summary: 'Create an organization; the signed-in user becomes its owner',
        body: Type.Ref(CreateOrganizationBody),
        response: { 201: ok(OrganizationView, 'The new organization; the caller is its owner.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => reply.code(201).send(organizationView(await organizations.create(principalOf(request), request.body, metaOf(request)))),
  );
}
