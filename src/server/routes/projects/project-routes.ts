import { Type } from '@sinclair/typebox';
import type { Project } from '../../../services/project-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, IdParams, PageOf } from '../../schemas/common.js';
import { CreateProjectBody, ProjectListQuery, ProjectView, UpdateProjectBody } from '../../schemas/project-schemas.js';

function projectView(project: Project) {
  return { ...project, createdAt: new Date(project.createdAt).toISOString(), updatedAt: new Date(project.updatedAt).toISOString() };
}

export async function projectRoutes(app: App): Promise<void> {
  const projects = app.latchkey.projects;
  const params = IdParams('prj');
  const one = { 200: ProjectView, ...ERROR_RESPONSES };

  app.get(
    '/v1/projects',
    { schema: { tags: ['projects'], summary: 'List projects, by name', querystring: ProjectListQuery, response: { 200: PageOf(ProjectView), ...ERROR_RESPONSES } } },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await projects.list(principalOf(request), { ...rest, limit: limit ?? 50 });
      return { items: page.items.map(projectView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/projects',
    { schema: { tags: ['projects'], summary: 'Create a project', body: CreateProjectBody, response: { 201: ProjectView, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.code(201).send(projectView(await projects.create(principalOf(request), request.body, metaOf(request)))),
  );

  app.get('/v1/projects/:id', { schema: { tags: ['projects'], summary: 'Read a project', params, response: one } }, async (request) =>
    projectView(await projects.get(principalOf(request), request.params.id)),
  );

  app.patch(
    '/v1/projects/:id',
    { schema: { tags: ['projects'], summary: 'Rename or describe a project', params, body: UpdateProjectBody, response: one } },
    async (request) => projectView(await projects.update(principalOf(request), request.params.id, request.body, metaOf(request))),
  );

  app.delete(
    '/v1/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project; it leaves every key, and keys left with no project are revoked',
        params,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await projects.remove(principalOf(request), request.params.id, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
