import { Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS } from '../../domain/audit-actions.js';
import { Cursor, Id, Limit, PageOf, StringEnum, Text, Timestamp } from './common.js';

export const AuditView = Type.Object(
  {
    id: Id('evt'),
    action: StringEnum(AUDIT_ACTIONS, { description: 'The table is in docs/api.md ("Audit actions").', examples: ['key.created'] }),
    actor: Type.Object(
      { type: StringEnum(['user', 'key', 'system', 'anonymous'] as const), id: Type.Union([Type.String(), Type.Null()]) },
      { description: 'Who did it.' },
    ),
    target: Type.Union([Type.Object({ type: Type.String({ examples: ['key'] }), id: Type.String() }), Type.Null()], { description: 'What it was done to.' }),
    ip: Type.Union([Type.String(), Type.Null()], { examples: ['203.0.113.7'] }),
    requestId: Type.Union([Type.String(), Type.Null()], { description: 'The request that did it.' }),
    createdAt: Timestamp,
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'What changed; never a secret.' }),
  },
  { $id: 'AuditEvent', description: 'One recorded change.' },
);

export const AuditEventPage = PageOf(AuditView, 'AuditEventPage');

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
