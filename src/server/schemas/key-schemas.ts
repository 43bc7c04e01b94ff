import { Type } from '@sinclair/typebox';
import { Cursor, Id, Limit, NullableTimestamp, Text, Timestamp } from './common.js';

const Permission = Type.String({ minLength: 1, maxLength: 128 });
const RateLimit = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), windowMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }) },
  { additionalProperties: false },
);
const CreditsInput = Type.Object(
  {
    remaining: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    refillAmount: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }), Type.Null()])),
    refillIntervalMs: Type.Optional(Type.Union([Type.Integer({ minimum: 60_000, maximum: 31_622_400_000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const Metadata = Type.Record(Type.String({ maxLength: 128 }), Type.Unknown());
const IpRanges = Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { maxItems: 100 });
/**
 * One schema with a type list rather than a union: with type coercion on, a union tries the string branch first
 * and turns `null` (never expire) into an empty string.
 */
const ExpiresAt = Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 40 });
const ProjectIds = Type.Union([Type.Array(Id('prj'), { minItems: 1, maxItems: 1000 }), Type.Null()]);

export const CreateKeyBody = Type.Object(
  {
    name: Text(100, 1),
    description: Type.Optional(Text(1000)),
    // None: a key that verifies for checks asking no permission and can manage nothing (docs/permissions.md).
    permissions: Type.Optional(Type.Array(Permission, { maxItems: 500 })),
    projectIds: Type.Optional(ProjectIds),
    environment: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('test')])),
    expiresIn: Type.Optional(Type.Union([Type.Literal('30d'), Type.Literal('90d'), Type.Literal('never')])),
    expiresAt: Type.Optional(ExpiresAt),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Type.Union([Metadata, Type.Null()])),
    rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()])),
    credits: Type.Optional(Type.Union([CreditsInput, Type.Null()])),
    ipRanges: Type.Optional(Type.Union([IpRanges, Type.Null()])),
  },
  { additionalProperties: false },
);

export const CreateTokenBody = Type.Object(
  {
    name: Type.Optional(Text(100, 1)),
    // What the token is for is how its user tells tokens apart (it is the name unless one is given). Optional,
    // like every field here, as Kriten's (seed 004).
    description: Type.Optional(Text(1000)),
    permissions: Type.Optional(Type.Array(Permission, { maxItems: 500 })),
    projectIds: Type.Optional(ProjectIds),
    enabled: Type.Optional(Type.Boolean()),
    expiresIn: Type.Optional(Type.Union([Type.Literal('30d'), Type.Literal('90d'), Type.Literal('never')])),
    expiresAt: Type.Optional(ExpiresAt),
  },
  { additionalProperties: false },
);

export const UpdateKeyBody = Type.Object(
  {
    name: Type.Optional(Text(100, 1)),
    description: Type.Optional(Text(1000)),
    permissions: Type.Optional(Type.Array(Permission, { maxItems: 500 })),
    projectIds: Type.Optional(ProjectIds),
    expiresAt: Type.Optional(ExpiresAt),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Type.Union([Metadata, Type.Null()])),
    rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()])),
    credits: Type.Optional(Type.Union([CreditsInput, Type.Null()])),
    ipRanges: Type.Optional(Type.Union([IpRanges, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UpdateTokenBody = Type.Object(
  {
    name: Type.Optional(Text(100, 1)),
    description: Type.Optional(Text(1000)),
    enabled: Type.Optional(Type.Boolean()),
    expiresAt: Type.Optional(ExpiresAt),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const KeyListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    search: Type.Optional(Text(100)),
    status: Type.Optional(Type.Union(['active', 'disabled', 'expired', 'revoked'].map((s) => Type.Literal(s)))),
    projectId: Type.Optional(Id('prj')),
    environment: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('test')])),
    createdBy: Type.Optional(Type.String({ pattern: '^(usr|key)_[A-Za-z0-9]{20}$' })),
  },
  { additionalProperties: false },
);

export const TokenListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    search: Type.Optional(Text(100)),
    status: Type.Optional(Type.Union(['active', 'disabled', 'expired', 'revoked'].map((s) => Type.Literal(s)))),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RegenerateBody = Type.Object(
  { gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })) },
  { additionalProperties: false },
);

export const BulkBody = Type.Object(
  {
    action: Type.Union(['revoke', 'delete', 'regenerate', 'enable', 'disable'].map((s) => Type.Literal(s))),
    ids: Type.Array(Id('key'), { minItems: 1, maxItems: 100_000 }),
    gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })),
  },
  { additionalProperties: false },
);

export const KeyView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    description: Type.String(),
    start: Type.String(),
    environment: Type.String(),
    permissions: Type.Array(Type.String()),
    projectIds: Type.Union([Type.Array(Type.String()), Type.Null()]),
    ownerUserId: Type.Union([Type.String(), Type.Null()]),
    createdBy: Type.Object({ type: Type.String(), id: Type.String() }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    expiresAt: NullableTimestamp,
    lastUsedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
    enabled: Type.Boolean(),
    status: Type.String(),
    metadata: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    rateLimit: Type.Union([Type.Object({ limit: Type.Integer(), windowMs: Type.Integer() }), Type.Null()]),
    credits: Type.Union([
      Type.Object({
        remaining: Type.Integer(),
        refillAmount: Type.Union([Type.Integer(), Type.Null()]),
        refillIntervalMs: Type.Union([Type.Integer(), Type.Null()]),
        refilledAt: NullableTimestamp,
      }),
      Type.Null(),
    ]),
    ipRanges: Type.Union([Type.Array(Type.String()), Type.Null()]),
  },
  { $id: 'Key' },
);

export const KeyWithSecretView = Type.Composite([KeyView, Type.Object({ secret: Type.String() })]);

export const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512 }),
    permissions: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    projectId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ip: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const UsageQuery = Type.Object(
  {
    granularity: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
    since: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const UsageView = Type.Object({
  granularity: Type.String(),
  buckets: Type.Array(Type.Object({ start: Timestamp, counts: Type.Record(Type.String(), Type.Integer()) })),
});
