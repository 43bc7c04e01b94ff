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
  return {
    name: 'sqlite',
    dialect: new SqliteDialect({ database }),
    pingSql: 'select 1',
    isUniqueViolation(error: unknown): boolean {
      const code = (error as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
  };
}
