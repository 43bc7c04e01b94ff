import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { NullableTimestamp, StringEnum } from './common.js';

const Names = Type.Array(Type.String());

export const WhoamiView = Type.Object({
  kind: StringEnum(['session', 'org_key', 'personal_token'] as const, { description: 'How the caller authenticated.' }),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  user: Type.Union([Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }), Type.Null()]),
  role: Type.Union([StringEnum(ROLES), Type.Null()]),
  key: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), start: Type.String(), expiresAt: NullableTimestamp }), Type.Null()]),
  permissions: Names,
  keyPermissions: Type.Union([Names, Type.Null()]),
  rolePermissions: Type.Union([Names, Type.Null()]),
  projectIds: Type.Union([Names, Type.Null()]),
}, { $id: 'Whoami', description: 'The caller and what it may do.' });
