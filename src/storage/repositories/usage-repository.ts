import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Rows per statement. 2,000 rows of five values stay under both drivers' bound-parameter limits (SQLite 32,766,
 * PostgreSQL 65,535) and make a flush of 100,000 keys 50 statements instead of thousands.
 */
const ROWS_PER_STATEMENT = 2000;

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

/** `(values (…), (…))`: a set both SQLite and PostgreSQL join like a table, its columns named column1, column2, … */
function valuesTable(rows: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql`(values ${sql.join(rows)})`;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

export class UsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds counts gathered in memory, one set-based upsert per chunk: the counts are joined to the keys that still
   * exist, so counts of keys deleted meanwhile are left out by the same statement that writes the others. The
   * same SQL runs on SQLite and PostgreSQL (`where true` keeps SQLite's parser from reading the upsert's ON as
   * the join's). Run it in a transaction: the batch is then written whole or not at all, so a caller that meets
   * a fault can write it again later without counting anything twice.
   */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    for (const chunk of chunks(increments)) {
      // Casts on every value: PostgreSQL types the columns of a VALUES list from what it is given.
      const rows = chunk.map(
        (inc) => sql`(cast(${inc.keyId} as text), cast(${inc.orgId} as text), cast(${inc.bucket} as bigint), cast(${inc.code} as text), cast(${inc.count} as bigint))`,
      );
      await sql`
        insert into key_usage (key_id, org_id, bucket, code, count)
        select v.column1, v.column2, v.column3, v.column4, v.column5
        from ${valuesTable(rows)} as v
        join api_keys on api_keys.id = v.column1
        where true
        on conflict (key_id, bucket, code) do update set count = key_usage.count + excluded.count
      `.execute(this.db);
    }
  }

  /**
   * Moves each key's last-used time forward (never back), one joined update per chunk rather than a CASE over
   * every id, whose cost grows with the square of the chunk. Keys deleted meanwhile simply match no row.
   */
  async recordLastUsed(entries: readonly LastUse[]): Promise<void> {
    for (const chunk of chunks(entries)) {
      const rows = chunk.map((e) => sql`(cast(${e.keyId} as text), cast(${e.at} as bigint))`);
      await sql`
        update api_keys set last_used_at = v.column2
        from ${valuesTable(rows)} as v
        where api_keys.id = v.column1 and (api_keys.last_used_at is null or api_keys.last_used_at < v.column2)
      `.execute(this.db);
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
