import { Type } from '@sinclair/typebox';
import { Cursor, Limit, Text, Timestamp } from './common.js';

export const AuditView = Type.Object({
  id: Type.String(),
  action: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const AuditListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    action: Type.Optional(Text(100, 1)),
    actorId: Type.Optional(Text(64, 1)),
    targetId: Type.Optional(Text(200, 1)),
    since: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);
