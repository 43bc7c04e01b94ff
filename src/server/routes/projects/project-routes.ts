import { Type } from '@sinclair/typebox';
import type { Project } from '../../../services/project-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, IdParams, noContent, ok } from '../../schemas/common.js';
import { CreateProjectBody, ProjectListQuery, ProjectPage, ProjectView, UpdateProjectBody } from '../../schemas/project-schemas.js';

function projectView(project: Project) {
  return { ...project, createdAt: new Date(project.createdAt).toISOString(), updatedAt: new Date(project.updatedAt).toISOString() };
}

/** Projects, under /v1/projects. */
export async function projectRoutes(app: App): Promise<void> {
  const projects = app.latchkey.projects;
  const params = IdParams('prj');
  const one = { 200: ok(ProjectView, 'The project.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404) };

  app.get(
    '',
    {
      schema: {
        operationId: 'projectsList',
        tags: ['projects'],
        summary: 'List projects, by name',
        querystring: ProjectListQuery,
        response: { 200: ok(ProjectPage, 'One page of projects.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await projects.list(principalOf(request), { ...rest, limit: limit ?? 50 });
      return { items: page.items.map(projectView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '',
    {
      schema: {
        operationId: 'projectsCreate',
        tags: ['projects'],
        summary: 'Create a project',
        body: Type.Ref(CreateProjectBody),
        response: { 201: ok(ProjectView, 'The new project.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => reply.code(201).send(projectView(await projects.create(principalOf(request), request.body, metaOf(request)))),
  );

  const read = { 200: ok(ProjectView, 'The project.'), ...errorResponses(...CREDENTIAL_ERRORS, 404) };
  app.get('/:id', { schema: { operationId: 'projectsGet', tags: ['projects'], summary: 'Read a project', params, response: read } }, async (request) =>
    projectView(await projects.get(principalOf(request), request.params.id)),
  );

  app.patch(
    '/:id',
    { schema: { operationId: 'projectsUpdate', tags: ['projects'], summary: 'Rename or describe a project', params, body: Type.Ref(UpdateProjectBody), response: one } },
    async (request) => projectView(await projects.update(principalOf(request), request.params.id, request.body, metaOf(request))),
  );

  app.delete(
    '/:id',
    {
      schema: {
        operationId: 'projectsDelete',
        tags: ['projects'],
        summary: 'Delete a project; it leaves every key, and keys left with no project are revoked',
        params,
        response: { 204: noContent('Deleted.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      await projects.remove(principalOf(request), request.params.id, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
