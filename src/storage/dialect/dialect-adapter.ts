import type { Dialect } from 'kysely';

/** Everything that differs between the databases, in one place; nothing outside dialect/ asks which one it is. */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly dialect: Dialect;
  /** True when a driver error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
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
  /** Periodic upkeep that keeps query plans good as tables grow; null when the database does its own. */
  readonly maintenanceSql: string | null;
}

export interface MigrationContext {
  bytewiseCollation: string | null;
}
