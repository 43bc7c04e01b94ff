import { join } from 'node:path';
import { createPostgresAdapter } from './dialect/postgres/create-postgres-adapter.js';
import { createSqliteAdapter } from './dialect/sqlite/create-sqlite-adapter.js';
import { Storage } from './storage.js';

export interface StorageOptions {
  /** A postgres:// URL selects PostgreSQL; otherwise embedded SQLite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema (tests isolate runs with it). */
  postgresSchema?: string;
}

export function openStorage(options: StorageOptions): Storage {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return new Storage(createPostgresAdapter({ connectionString: url, ...(options.postgresSchema ? { schema: options.postgresSchema } : {}) }));
  }
  if (url && url.startsWith('sqlite:')) return new Storage(createSqliteAdapter(url.slice('sqlite:'.length) || ':memory:'));
  return new Storage(createSqliteAdapter(join(options.dataDir, 'latchkey.sqlite')));
}
