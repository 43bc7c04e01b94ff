import { Type } from '@sinclair/typebox';
import { PERMISSION_MAX_LENGTH } from '../../domain/permission-pattern.js';
import { StringEnum, Text } from './common.js';

const PermissionName = Type.String({ minLength: 1, maxLength: PERMISSION_MAX_LENGTH, examples: ['tests:write'] });

export const CatalogEntryView = Type.Object(
  {
    name: Type.String({ examples: ['tests:write'] }),
    description: Type.String({ examples: ['Upload test results'] }),
    source: Type.String({ description: 'Where it is declared: `latchkey`, the deployment file, or `organization`.', examples: ['organization'] }),
  },
  { $id: 'Permission', description: 'A permission in the catalog.' },
);

export const CatalogView = Type.Object(
  {
    permissions: Type.Array(Type.Ref(CatalogEntryView)),
    presets: Type.Object(
      { read: Type.Array(Type.String()), write: Type.Array(Type.String()), admin: Type.Array(Type.String()) },
      { description: 'Suggested sets of permissions.' },
    ),
  },
  { $id: 'PermissionCatalog', description: 'Every permission keys may be given, and presets.' },
);

export const DeclarePermissionBody = Type.Object(
  { name: PermissionName, description: Text(1000, 0, { examples: ['Upload test results'] }) },
  { additionalProperties: false, $id: 'DeclarePermissionRequest' },
);

export const PermissionParams = Type.Object({ name: PermissionName }, { additionalProperties: false });
