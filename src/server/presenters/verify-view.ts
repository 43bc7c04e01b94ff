import { Type } from '@sinclair/typebox';
import type { VerifyResult } from '../../services/verify-service.js';
import { iso } from './key-view.js';

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  code: Type.String(),
  keyId: Type.Optional(Type.String()),
  orgId: Type.Optional(Type.String()),
  ownerUserId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  environment: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  permissions: Type.Optional(Type.Array(Type.String())),
  projectIds: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  expiresAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  rateLimit: Type.Optional(Type.Union([Type.Object({ limit: Type.Integer(), remaining: Type.Integer(), resetAt: Type.String() }), Type.Null()])),
  credits: Type.Optional(Type.Union([Type.Object({ remaining: Type.Integer() }), Type.Null()])),
});

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
