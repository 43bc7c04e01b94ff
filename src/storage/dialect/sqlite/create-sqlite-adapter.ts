import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { DEFAULT_STORAGE_TIMEOUTS, type StorageTimeouts } from '../../storage-timeouts.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import { sqliteRowSet } from './sqlite-row-set.js';

/**
 * SQLite's result codes for a database that cannot answer now: a lock held past the busy timeout, a disk error
 * or a full disk, a file that cannot be opened or written. Extended codes (SQLITE_IOERR_WRITE, …) share the prefix.
 */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL)(_|$)/;

export function isSqliteUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE.test(code)) return true;
  // better-sqlite3's answer once the connection is closed (while shutting down).
  return error instanceof TypeError && message === 'The database connection is not open';
}

/**
 * The database holds every key digest and password hash, so nobody but Latchkey's user may read it: a folder we
 * create is 0700, and the database is 0600 before SQLite opens it, which its -wal and -shm files inherit. Files
 * left 0644 by an older version are narrowed too.
 */
function restrictFiles(filename: string): void {
  const folder = dirname(filename);
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (!existsSync(filename)) closeSync(openSync(filename, 'a', 0o600));
  for (const path of [filename, `${filename}-wal`, `${filename}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

/** `:memory:` or a file path; the folder is created so a fresh clone starts without set-up. */
export function createSqliteAdapter(filename: string, timeouts: Partial<StorageTimeouts> = {}): DialectAdapter {
  const { busyMs } = { ...DEFAULT_STORAGE_TIMEOUTS, ...timeouts };
  if (filename !== ':memory:') restrictFiles(filename);
  const database = new Database(filename);
  // WAL lets readers (verification) proceed while a writer holds the lock; NORMAL sync is durable in WAL mode
  // against process crashes, which is the failure an embedded single-process deployment must survive.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // better-sqlite3 waits synchronously, so this also bounds how long another process's lock can stall us.
  database.pragma(`busy_timeout = ${busyMs}`);
  // Without statistics the planner guesses that (org_id, kind) is selective and scans a whole organization's keys
  // for an id lookup. A bounded ANALYZE at open, and `PRAGMA optimize` hourly, keep the statistics current.
  database.pragma('analysis_limit = 1000');
  database.pragma('optimize = 0x10002');
  if (filename !== ':memory:') restrictFiles(filename);
  return {
    name: 'sqlite',
    dialect: new SqliteDialect({ database }),
    pingSql: 'select 1',
    // BINARY, SQLite's default, already compares bytes.
    // Its foreign-key checks take no locks; dropping one would mean rebuilding the table.
    migrationContext: { bytewiseCollation: null, dropForeignKeys: async () => {}, addForeignKey: async () => {} },
    maintenanceSql: 'pragma optimize',
    // One connection serialises every transaction, so there is nothing to lock (and FOR UPDATE is a syntax error).
    // A set-based write runs on the thread every request shares: 5,000 rows keep each statement to milliseconds.
    features: { rowLocks: false, rowSet: sqliteRowSet, rowSetChunk: 5_000, notifyChannel: null, usageLock: null },
    isForeignKeyViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
    },
    isUniqueViolation(error: unknown): boolean {
      const code = (error as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    isUnavailable: isSqliteUnavailable,
  };
}
