import { type Kysely, sql } from 'kysely';
import type { Storage } from '../../src/storage/storage.js';

/** Every table's rows, each as a canonical JSON line, sorted. */
export type DatabaseSnapshot = Record<string, string[]>;

/**
 * Every row of every table in the app's schema, found by introspection so tables added by later migrations are
 * covered. Reads Storage's private Kysely handle: the app offers no way to list tables, and a test should not
 * need one added. Only for the small databases tests create.
 */
export async function snapshotDatabase(storage: Storage): Promise<DatabaseSnapshot> {
  const db = (storage as unknown as { db: Kysely<Record<string, Record<string, unknown>>> }).db;
  const schema = storage.dialectName === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => schema === undefined || t.schema === schema);
  const snapshot: DatabaseSnapshot = {};
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db)).rows;
    snapshot[table.name] = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort();
  }
  return snapshot;
}

export interface TableChange {
  added: string[];
  removed: string[];
}

/** What differs between two snapshots, table by table; tables that did not change are left out. */
export function changesBetween(before: DatabaseSnapshot, after: DatabaseSnapshot): Record<string, TableChange> {
  const changes: Record<string, TableChange> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const now = new Set(after[table] ?? []);
    const added = [...now].filter((r) => !was.has(r));
    const removed = [...was].filter((r) => !now.has(r));
    if (added.length > 0 || removed.length > 0) changes[table] = { added, removed };
  }
  return changes;
}

/**
 * Changes a refused request may leave: audit rows recording the refusal itself (a failed sign-in is a security
 * event worth keeping). Anything else is a trace of work that should have been rolled back.
 */
export function unexpectedChanges(before: DatabaseSnapshot, after: DatabaseSnapshot): Record<string, TableChange> {
  const changes = changesBetween(before, after);
  const audit = changes.audit_events;
  if (audit && audit.removed.length === 0 && audit.added.every((row) => /"action","[^"]*(fail|denied|refus|reject)[^"]*"/.test(row))) {
    delete changes.audit_events;
  }
  return changes;
}
