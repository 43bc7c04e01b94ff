import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

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

  /** Adds counts gathered in memory; the upsert is the same statement on SQLite and PostgreSQL. */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    for (const inc of increments) {
      await this.db
        .insertInto('key_usage')
        .values({ key_id: inc.keyId, org_id: inc.orgId, bucket: inc.bucket, code: inc.code, count: inc.count })
        .onConflict((oc) => oc.columns(['key_id', 'bucket', 'code']).doUpdateSet({ count: sql<number>`key_usage.count + excluded.count` }))
        .execute();
    }
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
