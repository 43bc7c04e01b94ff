import { type Kysely, sql } from 'kysely';
import type { Invalidation, InvalidationRecord } from '../../domain/invalidation.js';
import type { StorageFeatures } from '../dialect/dialect-adapter.js';
import type { Database } from '../schema.js';

/**
 * The invalidation log (m006). Services only `record` events inside a transaction; the unit of work appends them
 * when the work is done, still inside that transaction, and hands the committed records to the bus. The rest is
 * for the buses: read after an id, the latest id, acknowledgements, trimming.
 */
export class InvalidationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
    /** The transaction's collected events; null on the shared pool, where recording would commit nothing. */
    private readonly pending: Invalidation[] | null,
  ) {}

  /** Notes that this transaction's change makes cached decisions wrong; it is logged if and when it commits. */
  record(event: Invalidation): void {
    if (!this.pending) throw new Error('invalidations are recorded inside a transaction, which logs them with the change');
    if (event.type === 'keys' && event.keyIds.length === 0) return;
    this.pending.push(event);
  }

  /**
   * Appends events with the next ids. The table lock (PostgreSQL) is taken last in the transaction and held until
   * commit, so ids are dense and a higher id is never visible before a lower one: a reader that has applied n and
   * sees n + 1 has missed nothing. SQLite runs one transaction at a time already.
   */
  async append(events: readonly Invalidation[], now: number): Promise<InvalidationRecord[]> {
    if (events.length === 0) return [];
    if (this.features.rowLocks) await sql`lock table invalidation_log in exclusive mode`.execute(this.db);
    const first = (await this.latestId()) + 1;
    const records = events.map((event, i) => ({ id: first + i, createdAt: now, event }));
    await this.db
      .insertInto('invalidation_log')
      .values(records.map((r) => ({ id: r.id, created_at: r.createdAt, event: JSON.stringify(r.event) })))
      .execute();
    // NOTIFY is transactional: it is delivered at commit, and never if the change rolls back.
    if (this.features.notifyChannel) await sql`select pg_notify(${this.features.notifyChannel}, ${String(records.at(-1)!.id)})`.execute(this.db);
    return records;
  }

  async readAfter(afterId: number, limit: number): Promise<InvalidationRecord[]> {
    const rows = await this.db.selectFrom('invalidation_log').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), createdAt: Number(r.created_at), event: JSON.parse(r.event) as Invalidation }));
  }

  async latestId(): Promise<number> {
    const row = await this.db.selectFrom('invalidation_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id == null ? 0 : Number(row.id);
  }

  /** Deletes records older than `createdBefore`, always keeping the latest (the next id is counted from it). */
  async trim(createdBefore: number): Promise<number> {
    const latest = await this.latestId();
    const result = await this.db.deleteFrom('invalidation_log').where('created_at', '<', createdBefore).where('id', '<', latest).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** This instance has applied every record up to `appliedId`; wakes publishers waiting for it. */
  async ack(instanceId: string, appliedId: number, now: number): Promise<void> {
    await this.db
      .insertInto('invalidation_acks')
      .values({ instance_id: instanceId, applied_id: appliedId, acked_at: now })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ applied_id: appliedId, acked_at: now }))
      .execute();
    if (this.features.notifyChannel) await sql`select pg_notify(${this.features.notifyChannel}, 'ack')`.execute(this.db);
  }

  async removeAck(instanceId: string): Promise<void> {
    await this.db.deleteFrom('invalidation_acks').where('instance_id', '=', instanceId).execute();
  }

  /** Instances whose heartbeat is at least as recent as `liveSince` and that have not yet applied `id`. */
  async unacknowledged(id: number, liveSince: number, exceptInstanceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('instance_heartbeats as h')
      .leftJoin('invalidation_acks as a', 'a.instance_id', 'h.instance_id')
      .select('h.instance_id')
      .where('h.last_seen_at', '>=', liveSince)
      .where('h.instance_id', '<>', exceptInstanceId)
      .where((eb) => eb.or([eb('a.applied_id', 'is', null), eb('a.applied_id', '<', id)]))
      .execute();
    return rows.map((r) => r.instance_id);
  }
}
