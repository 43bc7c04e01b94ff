import { join } from 'node:path';
import { createPostgresAdapter } from './dialect/postgres/create-postgres-adapter.js';
import { createSqliteAdapter } from './dialect/sqlite/create-sqlite-adapter.js';
import { Storage } from './storage.js';
import { DEFAULT_STORAGE_TIMEOUTS, type StorageTimeouts } from './storage-timeouts.js';

export interface StorageOptions {
  /** A postgres:// URL selects PostgreSQL, sqlite:FILE a SQLite file; unset, embedded SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema (tests isolate runs with it). */
  postgresSchema?: string;
  /** Bounds on waiting for the database; the defaults are those of docs/configuration.md. */
  timeouts?: Partial<StorageTimeouts>;
  /** Rows per set-based statement in place of the dialect's; for tests. */
  rowSetChunk?: number;
}

export function openStorage(options: StorageOptions): Storage {
  const url = options.databaseUrl;
  const timeouts = { ...DEFAULT_STORAGE_TIMEOUTS, ...options.timeouts };
  const settings = { acquireMs: timeouts.acquireMs, ...(options.rowSetChunk === undefined ? {} : { rowSetChunk: options.rowSetChunk }) };
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return new Storage(createPostgresAdapter({ connectionString: url, timeouts, ...(options.postgresSchema ? { schema: options.postgresSchema } : {}) }), settings);
  }
  if (url && url.startsWith('sqlite:')) return new Storage(createSqliteAdapter(url.slice('sqlite:'.length) || ':memory:', timeouts), settings);
  // Falling back to SQLite here would serve an empty database in place of the one the URL meant.
  if (url) throw new Error('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
  return new Storage(createSqliteAdapter(join(options.dataDir, 'latchkey.sqlite'), timeouts), settings);
}
