import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { Cursor, Id, Limit, PageOf, StringEnum, Timestamp } from './common.js';

export const RoleSchema = StringEnum(ROLES, { description: 'The roles are described in docs/permissions.md.' });

export const MemberView = Type.Object(
  {
    userId: Id('usr'),
    email: Type.String({ examples: ['ann@example.com'] }),
    name: Type.String({ examples: ['Ann Lee'] }),
    role: StringEnum(ROLES),
    createdAt: Timestamp,
  },
  { $id: 'Member', description: 'A member of the organization and their role.' },
);

export const MemberPage = PageOf(MemberView, 'MemberPage');

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false, $id: 'UpdateMemberRequest' });

export const MemberParams = Type.Object({ userId: Id('usr') }, { additionalProperties: false });

export const MemberListQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });
