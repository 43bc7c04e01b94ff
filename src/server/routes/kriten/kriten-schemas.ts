import { Type } from '@sinclair/typebox';
import { Text } from '../../schemas/common.js';

/** Kriten's `expires`: an ISO 8601 date-time; `0000-01-01…` (Kriten's own default) means never. */
const Expires = Type.String({ minLength: 10, maxLength: 40 });

/** Seed 004: every field optional; `enabled` defaults to true, no `expires` never expires. */
export const KritenCreateBody = Type.Object(
  {
    description: Type.Optional(Text(1000)),
    enabled: Type.Optional(Type.Boolean()),
    expires: Type.Optional(Expires),
  },
  { additionalProperties: false },
);

/** "Update method can modify description, enabled and expires fields." */
export const KritenUpdateBody = Type.Object(
  {
    description: Type.Optional(Text(1000)),
    enabled: Type.Optional(Type.Boolean()),
    expires: Type.Optional(Expires),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const KritenToken = Type.Object({
  id: Type.String(),
  owner: Type.String({ description: 'The user the token belongs to' }),
  description: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  expires: Type.String({ description: 'ISO 8601; 0000-01-01T00:00:00Z when the token never expires' }),
  enabled: Type.Boolean(),
});

export const KritenTokenWithKey = Type.Intersect([KritenToken, Type.Object({ key: Type.String({ description: 'The secret, in this response only' }) })]);
