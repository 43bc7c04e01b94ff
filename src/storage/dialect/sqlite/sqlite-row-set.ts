import { type RawBuilder, sql } from 'kysely';
import type { RowSetColumn } from '../dialect-adapter.js';

/**
 * The rows as one JSON text, read back by `json_each`: one bound parameter whatever the number of rows, where a
 * VALUES list needs one per value (SQLite caps those at 32,766). JSON keeps numbers as integers and strings as
 * text, which are the only types passed.
 */
export function sqliteRowSet(columns: readonly RowSetColumn[], rows: ReadonlyArray<ReadonlyArray<string | number>>): RawBuilder<unknown> {
  const fields = columns.map((column, i) => sql`value ->> ${sql.lit(i)} as ${sql.id(column.name)}`);
  return sql`(select ${sql.join(fields)} from json_each(${JSON.stringify(rows)}))`;
}
