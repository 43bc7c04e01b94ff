import type { Kysely } from 'kysely';
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

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(events: readonly AuditEventRow[]): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) {
      await this.db.insertInto('audit_events').values(events.slice(i, i + CHUNK)).execute();
    }
  }

  async findById(orgId: string, id: string): Promise<AuditEventRow | null> {
    return (await this.db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async list(filter: AuditListFilter): Promise<AuditEventRow[]> {
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
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }
}
