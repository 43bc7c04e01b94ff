import { newId } from '../domain/ids.js';
import { actorOf, type Principal } from '../domain/principal.js';
import type { AuditEventRow } from '../storage/schema.js';
import type { RequestMeta } from './request-meta.js';

export type Actor = Principal | { actorType: 'user' | 'key' | 'system' | 'anonymous'; actorId: string | null };

/**
 * Builds one audit row. Callers pass ids and names, never secrets; services insert the row in the same
 * transaction as the change it records, so the log cannot miss a committed change or record a rolled-back one.
 */
export function auditEvent(
  orgId: string,
  actor: Actor,
  action: string,
  target: { type: string; id: string } | null,
  meta: RequestMeta,
  now: number,
  details?: Record<string, unknown>,
): AuditEventRow {
  const who = 'kind' in actor ? actorOf(actor) : actor;
  return {
    id: newId('evt'),
    org_id: orgId,
    actor_type: who.actorType,
    actor_id: who.actorId,
    action,
    target_type: target?.type ?? null,
    target_id: target?.id ?? null,
    ip: meta.ip,
    request_id: meta.requestId,
    created_at: now,
    details: details ? JSON.stringify(details) : null,
  };
}
