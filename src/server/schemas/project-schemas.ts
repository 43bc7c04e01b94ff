import { Type } from '@sinclair/typebox';
import { Cursor, Id, Limit, PageOf, Text, Timestamp } from './common.js';

export const ProjectView = Type.Object(
  { id: Id('prj'), name: Type.String({ examples: ['Checkout'] }), description: Type.String({ examples: [''] }), createdAt: Timestamp, updatedAt: Timestamp },
  { $id: 'Project', description: 'A project keys can be restricted to.' },
);

export const ProjectPage = PageOf(ProjectView, 'ProjectPage');

export const CreateProjectBody = Type.Object(
  { name: Text(100, 1, { examples: ['Checkout'] }), description: Type.Optional(Text(1000)) },
  { additionalProperties: false, $id: 'CreateProjectRequest' },
);

export const UpdateProjectBody = Type.Object(
  { name: Type.Optional(Text(100, 1)), description: Type.Optional(Text(1000)) },
  { additionalProperties: false, minProperties: 1, $id: 'UpdateProjectRequest' },
);

export const ProjectListQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor), search: Type.Optional(Text(100, 0, { description: 'A case-insensitive name prefix.' })) },
  { additionalProperties: false },
);
