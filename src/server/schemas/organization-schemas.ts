import { Type } from '@sinclair/typebox';
import { ROLES } from '../../domain/roles.js';
import { Id, StringEnum, Text, Timestamp } from './common.js';

export const OrganizationView = Type.Object(
  {
    id: Id('org'),
    name: Type.String({ examples: ['Acme'] }),
    role: Type.Union([StringEnum(ROLES), Type.Null()], { description: "The caller's role in it; null for a key." }),
    createdAt: Timestamp,
  },
  { $id: 'Organization', description: 'An organization the caller belongs to.' },
);

export const OrganizationList = Type.Object(
  { items: Type.Array(Type.Ref(OrganizationView)), nextCursor: Type.Null({ description: 'Always null: the list is never paged.' }) },
  { $id: 'OrganizationList', description: "The caller's organizations." },
);

export const CreateOrganizationBody = Type.Object({ name: Text(100, 1, { examples: ['Acme'] }) }, { additionalProperties: false, $id: 'CreateOrganizationRequest' });
