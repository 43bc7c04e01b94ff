import { Type } from '@sinclair/typebox';
import { PERMISSION_MAX_LENGTH } from '../../domain/permission-pattern.js';
import { Text } from './common.js';

const PermissionName = Type.String({ minLength: 1, maxLength: PERMISSION_MAX_LENGTH });

export const CatalogEntryView = Type.Object({ name: Type.String(), description: Type.String(), source: Type.String() });

export const CatalogView = Type.Object({
  permissions: Type.Array(CatalogEntryView),
  presets: Type.Object({ read: Type.Array(Type.String()), write: Type.Array(Type.String()), admin: Type.Array(Type.String()) }),
});

export const DeclarePermissionBody = Type.Object({ name: PermissionName, description: Text(1000) }, { additionalProperties: false });

export const PermissionParams = Type.Object({ name: PermissionName }, { additionalProperties: false });
