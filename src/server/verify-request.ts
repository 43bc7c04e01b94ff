import type { Static } from '@sinclair/typebox';
import { parsePermissionQuery } from '../domain/permission-query.js';
import type { Principal } from '../domain/principal.js';
import type { Latchkey } from '../services/create-latchkey.js';
import { requirePermission } from '../domain/require-permission.js';
import { VERIFY_PERMISSION } from '../domain/verify-permission.js';
import { verifyView } from './presenters/verify-view.js';
import type { VerifyBody } from './schemas/key-schemas.js';

type VerifyAnswer = ReturnType<typeof verifyView>;

/**
 * One verification request, from a validated body to the answer; shared by the route and the fast path. The
 * answer is returned as a value when the service can give it without waiting (a cached key, nothing to spend),
 * so the fast path answers in the same turn; otherwise as a promise. Errors are thrown either way.
 */
export function verifyRequest(lk: Latchkey, principal: Principal, body: Static<typeof VerifyBody>): VerifyAnswer | Promise<VerifyAnswer> {
  requirePermission(principal, VERIFY_PERMISSION);
  const query = body.permissions === undefined ? null : parsePermissionQuery(body.permissions);
  const result = lk.verify.verify(principal, { key: body.key, query, projectId: body.projectId ?? null, ip: body.ip ?? null });
  return result instanceof Promise ? result.then((r) => counted(lk, r)) : counted(lk, result);
}

/** The answer, its outcome counted once for both paths (latchkey_verifications_total). */
function counted(lk: Latchkey, result: Parameters<typeof verifyView>[0]): VerifyAnswer {
  const view = verifyView(result);
  lk.ctx.metrics.verification(view.code);
  return view;
}
