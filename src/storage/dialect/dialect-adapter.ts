import type { Dialect } from 'kysely';

/** Everything that differs between the databases, in one place; nothing outside dialect/ asks which one it is. */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly dialect: Dialect;
  /** True when a driver error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** True when a driver error is a foreign-key violation: a row names one that another transaction removed. */
  isForeignKeyViolation(error: unknown): boolean;
  /** What the repositories need to know to write the same behaviour in this database's SQL. */
  readonly features: StorageFeatures;
  /** Cheap round trip used by the readiness probe. */
  readonly pingSql: string;
  /**
   * The schema holding Kysely's migration bookkeeping. Without it, Kysely's introspection would find those tables
   * in any schema of the database and skip creating them in ours.
   */
  readonly migrationTableSchema?: string;
  /** What the migrations need to know: the collation that compares text byte by byte, if not the default. */
  readonly migrationContext: MigrationContext;
  /** Periodic upkeep that keeps query plans good as tables grow; null when the database does its own. */
  readonly maintenanceSql: string | null;
}

export interface MigrationContext {
  bytewiseCollation: string | null;
}

export interface StorageFeatures {
  /**
   * True when `SELECT … FOR UPDATE / FOR SHARE` takes row locks (PostgreSQL). False on SQLite, which rejects the
   * syntax and needs no row locks: its single connection already runs one transaction at a time.
   */
  rowLocks: boolean;
}
