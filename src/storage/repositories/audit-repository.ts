import type { Kysely } from 'kysely';
import type { AuditEvent } from '../../domain/audit-event.js';
import type { CursorPosition } from '../../domain/page.js';
import type { AuditEventRow, Database } from '../schema.js';

export interface AuditListFilter {
  orgId: string;
  action?: string;
  actorId?: string;
  targetId?: string;
  since?: number;
  until?: number;
  limit: number;
  after?: CursorPosition;
}

const CHUNK = 200;

function toRow(event: AuditEvent): AuditEventRow {
  return {
    id: event.id,
    org_id: event.orgId,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    action: event.action,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    ip: event.ip,
    request_id: event.requestId,
    created_at: event.createdAt,
    details: event.details === null ? null : JSON.stringify(event.details),
  };
}

function toEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    action: row.action,
    actor: { type: row.actor_type as AuditEvent['actor']['type'], id: row.actor_id },
    target: row.target_type !== null && row.target_id !== null ? { type: row.target_type, id: row.target_id } : null,
    ip: row.ip,
    requestId: row.request_id,
    createdAt: row.created_at,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(events: readonly AuditEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) {
      await this.db.insertInto('audit_events').values(events.slice(i, i + CHUNK).map(toRow)).execute();
    }
  }

  async findById(orgId: string, id: string): Promise<AuditEvent | null> {
    const row = await this.db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toEvent(row) : null;
  }

  async list(filter: AuditListFilter): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll().where('org_id', '=', filter.orgId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
    if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
    if (filter.after) {
      const value = Number(filter.after.value);
      const id = filter.after.id;
      query = query.where((eb) => eb.or([eb('created_at', '<', value), eb.and([eb('created_at', '=', value), eb('id', '<', id)])]));
    }
    return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()).map(toEvent);
  }
}
