import { Type } from '@sinclair/typebox';
import { NullableTimestamp } from './common.js';

const Names = Type.Array(Type.String());

export const WhoamiView = Type.Object({
  kind: Type.String(),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  user: Type.Union([Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  key: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), start: Type.String(), expiresAt: NullableTimestamp }), Type.Null()]),
  permissions: Names,
  keyPermissions: Type.Union([Names, Type.Null()]),
  rolePermissions: Type.Union([Names, Type.Null()]),
  projectIds: Type.Union([Names, Type.Null()]),
});
