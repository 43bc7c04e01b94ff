import { type RawBuilder, sql } from 'kysely';
import type { RowSetColumn } from '../dialect-adapter.js';

/**
 * One array per column, turned back into rows by `unnest`: a statement of any size carries as many parameters
 * as it has columns, and PostgreSQL parses and plans it once rather than value by value.
 */
export function postgresRowSet(columns: readonly RowSetColumn[], rows: ReadonlyArray<ReadonlyArray<string | number>>): RawBuilder<unknown> {
  const arrays = columns.map((column, i) => sql`cast(${rows.map((row) => row[i])} as ${sql.raw(column.type)}[])`);
  return sql`(select * from unnest(${sql.join(arrays)}) as t(${sql.join(columns.map((column) => sql.id(column.name)))}))`;
}
