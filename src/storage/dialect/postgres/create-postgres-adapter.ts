import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DialectAdapter } from '../dialect-adapter.js';

// Epoch-millisecond timestamps and counts are bigint columns; they stay far below 2^53, so numbers are exact.
pg.types.setTypeParser(20, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  /** Schema to use instead of public; tests give each run its own. */
  schema?: string;
  poolSize?: number;
}

export function createPostgresAdapter(options: PostgresOptions): DialectAdapter {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    name: 'postgres',
    dialect: new PostgresDialect({ pool }),
    pingSql: 'select 1',
    migrationTableSchema: options.schema ?? 'public',
    // Name search is a range scan, which matches prefixes only under byte order; the database default may be a
    // linguistic collation (en_US.UTF-8), so the searched column uses "C".
    migrationContext: { bytewiseCollation: '"C"' },
    // Autovacuum keeps PostgreSQL's statistics.
    maintenanceSql: null,
    features: { rowLocks: true },
    isUniqueViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === '23505';
    },
    isForeignKeyViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === '23503';
    },
  };
}
