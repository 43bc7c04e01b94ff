import { JWT_MAX_LENGTH } from '../../domain/jwt-shape.js';
import { Type } from '@sinclair/typebox';
import { KEY_STATUSES } from '../../domain/key-statuses.js';
import { VERIFY_CODES } from '../../domain/verify-codes.js';
import { Cursor, Id, Limit, NullableTimestamp, PageOf, StringEnum, Text, Timestamp } from './common.js';

/** Until every spelling is `org_key`/`personal_token` (issue #8), the schema states the one clients should expect. */
const CREDENTIAL_KINDS = ['org_key', 'personal_token'] as const;
const BULK_ACTIONS = ['revoke', 'delete', 'regenerate', 'enable', 'disable'] as const;
const BULK_OUTCOMES = ['revoked', 'deleted', 'regenerated', 'enabled', 'disabled', 'unchanged'] as const;
const EXPIRES_IN = ['30d', '90d', 'never'] as const;

const Permission = Type.String({ minLength: 1, maxLength: 128, examples: ['tests:write'] });
const RateLimit = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Verifications allowed per window.', examples: [100] }),
    windowMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'The window, in milliseconds.', examples: [60000] }),
  },
  { additionalProperties: false, description: "The key's own verification rate limit; null for none." },
);
const CreditsInput = Type.Object(
  {
    remaining: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'Successful verifications left.', examples: [1000] }),
    refillAmount: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }), Type.Null()])),
    refillIntervalMs: Type.Optional(Type.Union([Type.Integer({ minimum: 60_000, maximum: 31_622_400_000 }), Type.Null()])),
  },
  { additionalProperties: false, description: 'Verifications the key may still pass, optionally refilled; null for unlimited.' },
);
const Metadata = Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { description: 'Free-form JSON returned by verification.', examples: [{ team: 'qa' }] });
const IpRanges = Type.Array(Type.String({ minLength: 2, maxLength: 64, examples: ['10.0.0.0/8'] }), { maxItems: 100, description: 'Client addresses (CIDR) the key may be used from.' });
/**
 * One schema with a type list rather than a union: with type coercion on, a union tries the string branch first
 * and turns `null` (never expire) into an empty string.
 */
const ExpiresAt = Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 40, description: 'When it stops working (ISO 8601); null: never.', examples: ['2027-01-01T00:00:00Z'] });
const ProjectIds = Type.Union([Type.Array(Id('prj'), { minItems: 1, maxItems: 1000 }), Type.Null()], { description: 'The projects it is restricted to; null: every project.' });

export const CreateKeyBody = Type.Object(
  {
    name: Text(100, 1, { description: 'Shown in lists and returned by verification.', examples: ['CI pipeline'] }),
    description: Type.Optional(Text(1000)),
    // None: a key that verifies for checks asking no permission and can manage nothing (docs/permissions.md).
    permissions: Type.Optional(Type.Array(Permission, { maxItems: 500, description: 'Permission names from the catalog, or patterns covering some. None: the key verifies only checks that ask no permission.' })),
    projectIds: Type.Optional(ProjectIds),
    environment: Type.Optional(StringEnum(['live', 'test'] as const, { description: 'The key type in the token: `live` (default) or `test`.' })),
    expiresIn: Type.Optional(StringEnum(EXPIRES_IN, { description: 'Expiry relative to now; give this or expiresAt, not both.' })),
    expiresAt: Type.Optional(ExpiresAt),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Type.Union([Metadata, Type.Null()])),
    rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()])),
    credits: Type.Optional(Type.Union([CreditsInput, Type.Null()])),
    ipRanges: Type.Optional(Type.Union([IpRanges, Type.Null()])),
  },
  { additionalProperties: false, $id: 'CreateKeyRequest' },
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
    expiresIn: Type.Optional(StringEnum(EXPIRES_IN, { description: 'Expiry relative to now; give this or expiresAt, not both.' })),
    expiresAt: Type.Optional(ExpiresAt),
  },
  { additionalProperties: false, $id: 'CreateTokenRequest' },
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
  { additionalProperties: false, minProperties: 1, $id: 'UpdateKeyRequest' },
);

export const UpdateTokenBody = Type.Object(
  {
    name: Type.Optional(Text(100, 1)),
    description: Type.Optional(Text(1000)),
    enabled: Type.Optional(Type.Boolean()),
    expiresAt: Type.Optional(ExpiresAt),
  },
  { additionalProperties: false, minProperties: 1, $id: 'UpdateTokenRequest' },
);

export const KeyListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    search: Type.Optional(Text(100)),
    status: Type.Optional(StringEnum(KEY_STATUSES)),
    projectId: Type.Optional(Id('prj')),
    environment: Type.Optional(StringEnum(['live', 'test'] as const)),
    createdBy: Type.Optional(Type.String({ pattern: '^(usr|key)_[A-Za-z0-9]{20}$' })),
  },
  { additionalProperties: false },
);

export const TokenListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    search: Type.Optional(Text(100)),
    status: Type.Optional(StringEnum(KEY_STATUSES)),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RegenerateBody = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 2_592_000, description: 'How long the old secret keeps working; 0 (default): not at all.', examples: [3600] }),
    ),
  },
  { additionalProperties: false, $id: 'RegenerateRequest' },
);

export const BulkBody = Type.Object(
  {
    action: StringEnum(BULK_ACTIONS, { description: 'Applied to every key, all or nothing.' }),
    ids: Type.Array(Id('key'), { minItems: 1, maxItems: 100_000, description: 'At most LATCHKEY_BULK_MAX.' }),
    gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000, description: 'For `regenerate` only.' })),
  },
  { additionalProperties: false, $id: 'BulkRequest' },
);

const keyViewProperties = {
  id: Id('key', { description: 'The key id; never the secret.' }),
  kind: StringEnum(CREDENTIAL_KINDS, { description: 'An organization key or a personal access token.' }),
  name: Type.String({ examples: ['CI pipeline'] }),
  description: Type.String({ examples: [''] }),
  start: Type.String({ description: 'Prefix, type and the first 4 body characters: enough to tell keys apart.', examples: ['lk_live_AbC1'] }),
  environment: Type.String({ description: 'The key type in the token.', examples: ['live'] }),
  permissions: Type.Array(Type.String(), { description: 'What the key may do.', examples: [['tests:write']] }),
  projectIds: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'The projects it is restricted to; null: every project.' }),
  ownerUserId: Type.Union([Type.String(), Type.Null()], { description: "A personal token's user; null for organization keys." }),
  createdBy: Type.Object(
    { type: StringEnum(['user', 'key', 'system'] as const), id: Type.String({ examples: ['usr_3hK9dQ2mXa7Lp0Rt5VwZ'] }) },
    { description: 'Who created it.' },
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
  enabled: Type.Boolean({ description: 'False once disabled; see status for whether it works.' }),
  status: StringEnum(KEY_STATUSES, { description: 'The table is in docs/api.md ("Key statuses").' }),
  metadata: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'Free-form JSON returned by verification.' }),
  rateLimit: Type.Union([Type.Object({ limit: Type.Integer({ examples: [100] }), windowMs: Type.Integer({ examples: [60000] }) }), Type.Null()], {
    description: "The key's own verification rate limit.",
  }),
  credits: Type.Union(
    [
      Type.Object({
        remaining: Type.Integer({ examples: [1000] }),
        refillAmount: Type.Union([Type.Integer(), Type.Null()]),
        refillIntervalMs: Type.Union([Type.Integer(), Type.Null()]),
        refilledAt: NullableTimestamp,
      }),
      Type.Null(),
    ],
    { description: 'Verifications left; null for unlimited.' },
  ),
  ipRanges: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Client addresses (CIDR) it may be used from; null: any.' }),
};

const secret = Type.String({ description: 'The secret, shown in this response only: store it now.', examples: ['lk_live_3hK9dQ2mXa7Lp0Rt5VwZ8nB4cJ6fG1sY0a1b2c'] });

export const KeyView = Type.Object(keyViewProperties, { $id: 'Key', description: 'An organization API key, as lists and reads show it: never its secret.' });
export const KeyWithSecretView = Type.Object({ ...keyViewProperties, secret }, { $id: 'KeyWithSecret', description: 'A key with its secret, once.' });
export const TokenView = Type.Object(keyViewProperties, { $id: 'Token', description: 'A personal access token, as lists and reads show it: never its secret.' });
export const TokenWithSecretView = Type.Object({ ...keyViewProperties, secret }, { $id: 'TokenWithSecret', description: 'A personal access token with its secret, once.' });
export const KeyPage = PageOf(KeyView, 'KeyPage');
export const TokenPage = PageOf(TokenView, 'TokenPage');

export const BulkResponse = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        id: Type.String(),
        outcome: StringEnum(BULK_OUTCOMES, { description: '`unchanged` when the key already was in that state.' }),
        secret: Type.Optional(Type.String({ description: 'For `regenerate`: the new secret, shown once.' })),
        key: Type.Optional(Type.Ref(KeyView)),
      }),
    ),
  },
  { $id: 'BulkResult', description: 'One result per id, in the order given.' },
);

export const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: JWT_MAX_LENGTH, description: 'The key or token to verify (a JWT access token too).', examples: ['lk_live_3hK9dQ2mXa7Lp0Rt5VwZ8nB4cJ6fG1sY0a1b2c'] }),
    permissions: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'A permission query the key must satisfy.', examples: ['tests:write AND (projects:read OR admin)'] }),
    ),
    projectId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The project the request is for.', examples: ['prj_3hK9dQ2mXa7Lp0Rt5VwZ'] })),
    ip: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: "The end client's address, checked against the key's IP ranges.", examples: ['203.0.113.7'] })),
  },
  { additionalProperties: false, $id: 'VerifyRequest', description: 'What to verify and what the key must allow.' },
);

export const UsageQuery = Type.Object(
  {
    granularity: Type.Optional(StringEnum(['hour', 'day'] as const, { default: 'hour', description: 'UTC hours or days.' })),
    since: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601; rounded down to its bucket.' })),
  },
  { additionalProperties: false },
);

export const UsageView = Type.Object(
  {
    granularity: StringEnum(['hour', 'day'] as const),
    buckets: Type.Array(
      Type.Object({
        start: Timestamp,
        counts: Type.Record(Type.String(), Type.Integer(), {
          description: `Calls by verification code (${VERIFY_CODES.join(', ')}) and API for calls to Latchkey's own API.`,
          examples: [{ VALID: 1840, RATE_LIMITED: 12, API: 3 }],
        }),
      }),
      { description: 'Only buckets with calls, oldest first.' },
    ),
  },
  { $id: 'Usage', description: 'Calls with one key per bucket and outcome.' },
);
