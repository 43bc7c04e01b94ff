import { Type } from '@sinclair/typebox';
import type { VerifyResult } from '../../services/verify-service.js';
import { VERIFY_CODES } from '../../domain/verify-codes.js';
import { StringEnum } from '../schemas/common.js';
import { iso } from './key-view.js';

export const VerifyResponse = Type.Object(
  {
    valid: Type.Boolean({ description: 'True only with code VALID.' }),
    code: StringEnum(VERIFY_CODES, { description: 'The outcome; the table is in docs/api.md ("Verification codes").', examples: ['VALID'] }),
    keyId: Type.Optional(Type.String({ examples: ['key_3hK9dQ2mXa7Lp0Rt5VwZ'] })),
    orgId: Type.Optional(Type.String({ examples: ['org_3hK9dQ2mXa7Lp0Rt5VwZ'] })),
    ownerUserId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "A personal token's user." })),
    environment: Type.Optional(Type.String({ examples: ['live'] })),
    name: Type.Optional(Type.String({ examples: ['CI pipeline'] })),
    permissions: Type.Optional(Type.Array(Type.String(), { examples: [['tests:write']] })),
    projectIds: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
    metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    rateLimit: Type.Optional(
      Type.Union([Type.Object({ limit: Type.Integer(), remaining: Type.Integer(), resetAt: Type.String({ format: 'date-time' }) }), Type.Null()], {
        description: "The key's rate limit after this call; null if it has none.",
      }),
    ),
    credits: Type.Optional(Type.Union([Type.Object({ remaining: Type.Integer() }), Type.Null()], { description: 'Credits left after this call; null if unlimited.' })),
  },
  { $id: 'VerifyResult', description: 'The verdict; for NOT_FOUND only `valid` and `code`, revealing nothing about other keys.' },
);

/** The verification answer, identical from the Fastify route and the fast path. Unknown keys reveal nothing. */
export function verifyView(result: VerifyResult) {
  if (!result.key) return { valid: false, code: result.code };
  const k = result.key;
  return {
    valid: result.valid,
    code: result.code,
    keyId: k.id,
    orgId: k.orgId,
    ownerUserId: k.ownerUserId,
    environment: k.tokenType,
    name: k.name,
    permissions: k.permissions,
    projectIds: k.projectIds,
    metadata: k.metadata,
    expiresAt: iso(k.expiresAt),
    rateLimit: result.rateLimit
      ? { limit: result.rateLimit.limit, remaining: result.rateLimit.remaining, resetAt: new Date(result.rateLimit.resetAt).toISOString() }
      : null,
    credits: result.creditsRemaining === null ? null : { remaining: result.creditsRemaining },
  };
}
