import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

const CHUNK = 200;
const ID_CHUNK = 500;

export interface UsageIncrement {
  keyId: string;
  orgId: string;
  bucket: number;
  code: string;
  count: number;
}

export interface UsagePoint {
  bucket: number;
  code: string;
  count: number;
}

export class UsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds counts gathered in memory, many rows per statement; the upsert is the same SQL on SQLite and PostgreSQL.
   * Counts of keys deleted meanwhile are left out. Run it in a transaction: the batch is then written whole or
   * not at all, so a caller that meets a fault can write it again later without counting anything twice.
   */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    const ids = [...new Set(increments.map((inc) => inc.keyId))];
    const live = new Set<string>();
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const rows = await this.db.selectFrom('api_keys').select('id').where('id', 'in', ids.slice(i, i + ID_CHUNK)).execute();
      for (const row of rows) live.add(row.id);
    }
    const kept = increments.filter((inc) => live.has(inc.keyId));
    for (let i = 0; i < kept.length; i += CHUNK) await this.upsert(kept.slice(i, i + CHUNK));
  }

  private async upsert(increments: readonly UsageIncrement[]): Promise<void> {
    await this.db
      .insertInto('key_usage')
      .values(increments.map((inc) => ({ key_id: inc.keyId, org_id: inc.orgId, bucket: inc.bucket, code: inc.code, count: inc.count })))
      .onConflict((oc) => oc.columns(['key_id', 'bucket', 'code']).doUpdateSet({ count: sql<number>`key_usage.count + excluded.count` }))
      .execute();
  }

  async series(orgId: string, keyId: string, since: number): Promise<UsagePoint[]> {
    return this.db
      .selectFrom('key_usage')
      .select(['bucket', 'code', 'count'])
      .where('org_id', '=', orgId)
      .where('key_id', '=', keyId)
      .where('bucket', '>=', since)
      .orderBy('bucket')
      .orderBy('code')
      .execute();
  }
}
