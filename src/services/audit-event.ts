import type { AuditAction } from '../domain/audit-actions.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { newId } from '../domain/ids.js';
import { actorOf, type Principal } from '../domain/principal.js';
import type { RequestMeta } from './request-meta.js';

export type Actor = Principal | { actorType: 'user' | 'key' | 'system' | 'anonymous'; actorId: string | null };

/**
 * Builds one audit event. The action must be one of the registry's (AUDIT_ACTIONS, documented in docs/api.md),
 * which the type enforces. Callers pass ids and names, never secrets; services insert the row in the same
 * transaction as the change it records, so the log cannot miss a committed change or record a rolled-back one.
 */
export function auditEvent(
  orgId: string,
  actor: Actor,
  action: AuditAction,
  target: { type: string; id: string } | null,
  meta: RequestMeta,
  now: number,
  details?: Record<string, unknown>,
): AuditEvent {
  const who = 'kind' in actor ? actorOf(actor) : actor;
  return {
    id: newId('evt'),
    orgId,
    action,
    actor: { type: who.actorType, id: who.actorId },
    target: target ? { type: target.type, id: target.id } : null,
    ip: meta.ip,
    requestId: meta.requestId,
    createdAt: now,
    details: details ?? null,
  };
}
