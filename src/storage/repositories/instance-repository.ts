import type { Kysely } from 'kysely';
import type { Database, InstanceHeartbeatRow } from '../schema.js';

/** The deployment's own bookkeeping: running servers' heartbeats and the first-run marker. */
export class InstanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or refreshes a heartbeat; a row removed by someone else's clean-up comes back on the next beat. */
  async beat(row: InstanceHeartbeatRow): Promise<void> {
    await this.db
      .insertInto('instance_heartbeats')
      .values(row)
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ last_seen_at: row.last_seen_at }))
      .execute();
  }

  async heartbeats(): Promise<InstanceHeartbeatRow[]> {
    return this.db.selectFrom('instance_heartbeats').selectAll().orderBy('started_at').orderBy('instance_id').execute();
  }

  async removeHeartbeat(instanceId: string): Promise<void> {
    await this.db.deleteFrom('instance_heartbeats').where('instance_id', '=', instanceId).execute();
  }

  async removeHeartbeatsOlderThan(lastSeenBefore: number): Promise<void> {
    await this.db.deleteFrom('instance_heartbeats').where('last_seen_at', '<', lastSeenBefore).execute();
  }

  /** Fails with a unique violation when setup already happened, or is happening in a concurrent transaction. */
  async markSetUp(orgId: string, now: number): Promise<void> {
    await this.db.insertInto('instance_setup').values({ id: 1, org_id: orgId, completed_at: now }).execute();
  }
}
