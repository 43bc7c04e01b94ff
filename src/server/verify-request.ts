import type { Static } from '@sinclair/typebox';
import { parsePermissionQuery } from '../domain/permission-query.js';
import type { Principal } from '../domain/principal.js';
import type { Latchkey } from '../services/create-latchkey.js';
import { requirePermission } from '../domain/require-permission.js';
import { VERIFY_PERMISSION } from '../domain/verify-permission.js';
import { verifyView } from './presenters/verify-view.js';
import type { VerifyBody } from './schemas/key-schemas.js';

/** One verification request, from a validated body to the answer; shared by the route and the fast path. */
export async function verifyRequest(lk: Latchkey, principal: Principal, body: Static<typeof VerifyBody>) {
  requirePermission(principal, VERIFY_PERMISSION);
  const query = body.permissions === undefined ? null : parsePermissionQuery(body.permissions);
  const result = await lk.verify.verify(principal, { key: body.key, query, projectId: body.projectId ?? null, ip: body.ip ?? null });
  return verifyView(result);
}
