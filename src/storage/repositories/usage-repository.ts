import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

const CHUNK = 200;

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
   * A batch fails whole if one of its keys was deleted meanwhile, so that batch is retried row by row and the
   * deleted key's counts are dropped with it.
   */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    for (let i = 0; i < increments.length; i += CHUNK) {
      const chunk = increments.slice(i, i + CHUNK);
      try {
        await this.upsert(chunk);
      } catch {
        for (const one of chunk) await this.upsert([one]).catch(() => {});
      }
    }
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
