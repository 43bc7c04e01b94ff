import { Type } from '@sinclair/typebox';
import type { Member } from '../../../services/member-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, PageOf } from '../../schemas/common.js';
import { MemberListQuery, MemberParams, MemberView, UpdateMemberBody } from '../../schemas/member-schemas.js';

export function memberView(member: Member) {
  return { ...member, createdAt: new Date(member.createdAt).toISOString() };
}

export async function memberRoutes(app: App): Promise<void> {
  const members = app.latchkey.members;

  app.get(
    '/v1/members',
    { schema: { tags: ['members'], summary: 'List members and their roles, by email', querystring: MemberListQuery, response: { 200: PageOf(MemberView), ...ERROR_RESPONSES } } },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await members.list(principalOf(request), { ...rest, limit: limit ?? 50 });
      return { items: page.items.map(memberView), nextCursor: page.nextCursor };
    },
  );

  app.patch(
    '/v1/members/:userId',
    { schema: { tags: ['members'], summary: "Change a member's role", params: MemberParams, body: UpdateMemberBody, response: { 200: MemberView, ...ERROR_RESPONSES } } },
    async (request) => memberView(await members.changeRole(principalOf(request), request.params.userId, request.body.role, metaOf(request))),
  );

  app.delete(
    '/v1/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member; their personal tokens here are revoked and their sessions here end',
        params: MemberParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await members.remove(principalOf(request), request.params.userId, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
