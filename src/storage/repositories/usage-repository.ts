import { type Kysely, sql } from 'kysely';
import type { RowSetColumn, StorageFeatures } from '../dialect/dialect-adapter.js';
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

export interface LastUse {
  keyId: string;
  at: number;
}

const USAGE_COLUMNS: readonly RowSetColumn[] = [
  { name: 'key_id', type: 'text' },
  { name: 'org_id', type: 'text' },
  { name: 'bucket', type: 'bigint' },
  { name: 'code', type: 'text' },
  { name: 'count', type: 'bigint' },
];

const LAST_USE_COLUMNS: readonly RowSetColumn[] = [
  { name: 'key_id', type: 'text' },
  { name: 'at', type: 'bigint' },
];

/**
 * Sorted before writing, so concurrent flushes of many instances over the same keys take their row locks in one
 * order and cannot deadlock each other; within one flush each row's key is unique, so the order is total.
 */
function byKey<T extends { keyId: string; bucket?: number; code?: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    if (a.keyId !== b.keyId) return a.keyId < b.keyId ? -1 : 1;
    if (a.bucket !== b.bucket) return (a.bucket ?? 0) - (b.bucket ?? 0);
    return a.code === b.code ? 0 : (a.code ?? '') < (b.code ?? '') ? -1 : 1;
  });
}

export class UsageRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
  ) {}

  private chunks<T>(items: readonly T[]): T[][] {
    const size = this.features.rowSetChunk;
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  /**
   * Adds counts gathered in memory, one set-based upsert per chunk. Counts are added to what is stored, never
   * replace it, so instances flushing into the same rows each add their own. They are joined to the keys that
   * still exist, so counts of keys deleted meanwhile are left out by the same statement that writes the others
   * (`where true` keeps SQLite's parser from reading the upsert's ON as the join's); the usage lock keeps a
   * deletion from removing a key between that join and the commit. Run it in a transaction: the
   * batch is then written whole or not at all, so a caller that meets a fault can write it again later without
   * counting anything twice.
   */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    await this.holdUsageLock();
    const sorted = byKey(increments);
    for (const chunk of this.chunks(sorted)) {
      const rows = this.features.rowSet(
        USAGE_COLUMNS,
        chunk.map((inc) => [inc.keyId, inc.orgId, inc.bucket, inc.code, inc.count]),
      );
      await sql`
        insert into key_usage (key_id, org_id, bucket, code, count)
        select v.key_id, v.org_id, v.bucket, v.code, v.count
        from ${rows} as v
        join api_keys on api_keys.id = v.key_id
        where true
        on conflict (key_id, bucket, code) do update set count = key_usage.count + excluded.count
      `.execute(this.db);
    }
  }

  /**
   * Moves each key's last-used time forward, never back: a flush that arrives late (another instance's, or one
   * retried after an outage) leaves a later time in place. Keys deleted meanwhile are left out by the join.
   */
  async recordLastUsed(entries: readonly LastUse[]): Promise<void> {
    await this.holdUsageLock();
    for (const chunk of this.chunks(byKey(entries))) {
      const rows = this.features.rowSet(
        LAST_USE_COLUMNS,
        chunk.map((e) => [e.keyId, e.at]),
      );
      await sql`
        insert into key_last_used (key_id, last_used_at)
        select v.key_id, v.at
        from ${rows} as v
        join api_keys on api_keys.id = v.key_id
        where true
        on conflict (key_id) do update set last_used_at = excluded.last_used_at
        where key_last_used.last_used_at < excluded.last_used_at
      `.execute(this.db);
    }
  }

  /** Usage writes run beside each other but never beside a key deletion (StorageFeatures.usageLock). */
  private async holdUsageLock(): Promise<void> {
    if (this.features.usageLock) await this.features.usageLock('shared').execute(this.db);
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
