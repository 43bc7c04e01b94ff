import type { Kysely } from 'kysely';
import type { InstanceHeartbeat } from '../../domain/instance-heartbeat.js';
import type { Database } from '../schema.js';

/** The deployment's own bookkeeping: running servers' heartbeats and the first-run marker. */
export class InstanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or refreshes a heartbeat; a row removed by someone else's clean-up comes back on the next beat. */
  async beat(beat: InstanceHeartbeat): Promise<void> {
    await this.db
      .insertInto('instance_heartbeats')
      .values({ instance_id: beat.instanceId, host: beat.host, pid: beat.pid, started_at: beat.startedAt, last_seen_at: beat.lastSeenAt })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ last_seen_at: beat.lastSeenAt }))
      .execute();
  }

  async heartbeats(): Promise<InstanceHeartbeat[]> {
    const rows = await this.db.selectFrom('instance_heartbeats').selectAll().orderBy('started_at').orderBy('instance_id').execute();
    return rows.map((r) => ({ instanceId: r.instance_id, host: r.host, pid: Number(r.pid), startedAt: Number(r.started_at), lastSeenAt: Number(r.last_seen_at) }));
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
