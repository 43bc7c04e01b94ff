import { Type } from '@sinclair/typebox';
import { Text, Timestamp } from './common.js';

export const OrganizationView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

export const CreateOrganizationBody = Type.Object({ name: Text(100, 1) }, { additionalProperties: false });
