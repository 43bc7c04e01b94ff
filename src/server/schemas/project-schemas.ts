import { Type } from '@sinclair/typebox';
import { Cursor, Limit, Text, Timestamp } from './common.js';

export const ProjectView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateProjectBody = Type.Object({ name: Text(100, 1), description: Type.Optional(Text(1000)) }, { additionalProperties: false });

export const UpdateProjectBody = Type.Object(
  { name: Type.Optional(Text(100, 1)), description: Type.Optional(Text(1000)) },
  { additionalProperties: false, minProperties: 1 },
);

export const ProjectListQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor), search: Type.Optional(Text(100)) },
  { additionalProperties: false },
);
