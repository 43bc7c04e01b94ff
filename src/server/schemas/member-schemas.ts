import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { Cursor, Id, Limit, Text, Timestamp } from './common.js';

export const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)));

export const MemberView = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdAt: Timestamp,
});

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const MemberParams = Type.Object({ userId: Id('usr') }, { additionalProperties: false });

export const MemberListQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });
