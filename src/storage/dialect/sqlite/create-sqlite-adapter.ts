import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { DialectAdapter } from '../dialect-adapter.js';

/** `:memory:` or a file path; the folder is created so a fresh clone starts without set-up. */
export function createSqliteAdapter(filename: string): DialectAdapter {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const database = new Database(filename);
  // WAL lets readers (verification) proceed while a writer holds the lock; NORMAL sync is durable in WAL mode
  // against process crashes, which is the failure an embedded single-process deployment must survive.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Without statistics the planner guesses that (org_id, kind) is selective and scans a whole organization's keys
  // for an id lookup. A bounded ANALYZE at open, and `PRAGMA optimize` hourly, keep the statistics current.
  database.pragma('analysis_limit = 1000');
  database.pragma('optimize = 0x10002');
  return {
    name: 'sqlite',
    dialect: new SqliteDialect({ database }),
    pingSql: 'select 1',
    // BINARY, SQLite's default, already compares bytes.
    migrationContext: { bytewiseCollation: null },
    maintenanceSql: 'pragma optimize',
    // One connection serialises every transaction, so there is nothing to lock (and FOR UPDATE is a syntax error).
    features: { rowLocks: false },
    isForeignKeyViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
    },
    isUniqueViolation(error: unknown): boolean {
      const code = (error as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
  };
}
