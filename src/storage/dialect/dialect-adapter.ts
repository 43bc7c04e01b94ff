import type { Dialect, Kysely, RawBuilder } from 'kysely';

/** Everything that differs between the databases, in one place; nothing outside dialect/ asks which one it is. */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly dialect: Dialect;
  /** True when a driver error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /**
   * True when a driver error means the database cannot be reached or cannot answer now (connection refused or
   * lost, shutdown, out of resources, a timeout, a lock held past the busy timeout, a disk error): a fault of
   * the surroundings, answered 503, as opposed to a bug, answered 500.
   */
  isUnavailable(error: unknown): boolean;
  /** True when a driver error is a foreign-key violation: a row names one that another transaction removed. */
  isForeignKeyViolation(error: unknown): boolean;
  /** What the repositories need to know to write the same behaviour in this database's SQL. */
  readonly features: StorageFeatures;
  /** Cheap round trip used by the readiness probe. */
  readonly pingSql: string;
  /**
   * The schema holding Kysely's migration bookkeeping. Without it, the Migrator would accept those tables in any
   * schema its introspection sees and skip creating them in ours (PostgreSQL's introspection is also limited to
   * this schema: see schema-scoped-postgres-dialect.ts).
   */
  readonly migrationTableSchema?: string;
  /** What the migrations need to know: the collation that compares text byte by byte, if not the default. */
  readonly migrationContext: MigrationContext;
  /**
   * A short-lived connection for migrations, without the statement timeout: building an index on a large table
   * may rightly take longer than any request should. Absent where the database has no such timeout (SQLite).
   */
  createMigrationDialect?(): Dialect;
  /** The connection pool's use now (for metrics); absent where there is no pool (SQLite's one connection). */
  poolUse?(): { total: number; idle: number; waiting: number };
  /** Periodic upkeep that keeps query plans good as tables grow; null when the database does its own. */
  readonly maintenanceSql: string | null;
}

export interface MigrationContext {
  bytewiseCollation: string | null;
  /**
   * Drops the foreign keys `table` holds, where checking them costs more than they protect, or does nothing.
   * On PostgreSQL a foreign-key check locks the referenced row (FOR KEY SHARE), so a flush of 100,000 usage rows
   * wrote a lock into 100,000 key rows; SQLite checks with one index probe and no lock (and could drop one only by
   * rebuilding the table).
   */
  dropForeignKeys(db: Kysely<any>, table: string): Promise<void>;
  /** Puts back what `dropForeignKeys` dropped (a migration's down). */
  addForeignKey(db: Kysely<any>, table: string, column: string, references: string): Promise<void>;
}

export interface StorageFeatures {
  /**
   * True when `SELECT … FOR UPDATE / FOR SHARE` takes row locks (PostgreSQL). False on SQLite, which rejects the
   * syntax and needs no row locks: its single connection already runs one transaction at a time.
   */
  rowLocks: boolean;
  /**
   * Many rows as a table expression carried by a few bound parameters whatever their number, for set-based
   * writes: PostgreSQL passes one array per column to `unnest`, SQLite one JSON text to `json_each`. A VALUES
   * list would need a parameter per value (both drivers cap those) and is parsed and planned value by value.
   * Use it as `from ${rowSet(…)} as v`; its columns carry the given names and types.
   */
  rowSet(columns: readonly RowSetColumn[], rows: ReadonlyArray<ReadonlyArray<string | number>>): RawBuilder<unknown>;
  /**
   * Rows per rowSet statement. On SQLite a statement holds the one thread every request shares, so a flush is
   * cut into pieces short enough not to stall other requests; PostgreSQL runs it in another process.
   */
  rowSetChunk: number;
  /**
   * The LISTEN/NOTIFY channel that wakes invalidation readers (PostgreSQL, one per schema so that schemas sharing
   * a database do not wake each other); null where there is none (SQLite: one process).
   */
  notifyChannel: string | null;
  /**
   * A lock held to the end of the current transaction that orders usage writes against key deletion, where usage
   * tables hold no foreign key (see MigrationContext.dropForeignKeys): a flush takes it shared, so flushes of many
   * instances run together, and deleting keys takes it exclusive, so it never runs beside a flush that could still
   * write rows for the keys it deletes. Null where transactions already run one at a time (SQLite).
   */
  usageLock: ((mode: 'shared' | 'exclusive') => RawBuilder<unknown>) | null;
}

export interface RowSetColumn {
  name: string;
  type: 'text' | 'bigint';
}
