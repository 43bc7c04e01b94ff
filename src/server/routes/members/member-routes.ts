import { Type } from '@sinclair/typebox';
import type { Member } from '../../../services/member-service.js';
import type { App } from '../../app-types.js';
import { metaOf, principalOf } from '../../request-meta-of.js';
import { BODY_ERRORS, CREDENTIAL_ERRORS, errorResponses, noContent, ok } from '../../schemas/common.js';
import { MemberListQuery, MemberPage, MemberParams, MemberView, UpdateMemberBody } from '../../schemas/member-schemas.js';

export function memberView(member: Member) {
  return { ...member, createdAt: new Date(member.createdAt).toISOString() };
}

/** An organization's members, under /v1/members. */
export async function memberRoutes(app: App): Promise<void> {
  const members = app.latchkey.members;

  app.get(
    '',
    {
      schema: {
        operationId: 'membersList',
        tags: ['members'],
        summary: 'List members and their roles, by email',
        querystring: MemberListQuery,
        response: { 200: ok(MemberPage, 'One page of members.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await members.list(principalOf(request), { ...rest, limit: limit ?? 50 });
      return { items: page.items.map(memberView), nextCursor: page.nextCursor };
    },
  );

  app.patch(
    '/:userId',
    {
      schema: {
        operationId: 'membersUpdate',
        tags: ['members'],
        summary: "Change a member's role",
        params: MemberParams,
        body: Type.Ref(UpdateMemberBody),
        response: { 200: ok(MemberView, 'The member with the new role.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request) => memberView(await members.changeRole(principalOf(request), request.params.userId, request.body.role, metaOf(request))),
  );

  app.delete(
    '/:userId',
    {
      schema: {
        operationId: 'membersRemove',
        tags: ['members'],
        summary: 'Remove a member; their personal tokens here are revoked and their sessions here end',
        params: MemberParams,
        response: { 204: noContent('Removed.'), ...errorResponses(...CREDENTIAL_ERRORS, ...BODY_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      await members.remove(principalOf(request), request.params.userId, metaOf(request));
      return reply.code(204).send(null);
    },
  );
}
