import { Kysely, Migrator, sql } from 'kysely';
import { AppError } from '../domain/app-error.js';
import type { DialectAdapter } from './dialect/dialect-adapter.js';
import { createMigrationProvider } from './migrations/index.js';
import { bindRepositories, type Repositories } from './repositories.js';
import type { Database } from './schema.js';

/**
 * The one door to persistence. Services see repositories and transactions, never SQL, and never learn which
 * database is underneath.
 */
export class Storage {
  readonly repos: Repositories;
  private readonly db: Kysely<Database>;

  constructor(private readonly adapter: DialectAdapter) {
    this.db = new Kysely<Database>({ dialect: adapter.dialect });
    this.repos = bindRepositories(this.db, adapter.features);
  }

  get dialectName(): 'sqlite' | 'postgres' {
    return this.adapter.name;
  }

  /**
   * Runs `work` atomically. Driver errors that mean "this name/email/id already exists" become the caller's
   * chosen conflict error, and "the row this one names is gone" (a foreign key, when another transaction removed
   * it first) becomes 409 CONCURRENT_CHANGE, so routes never see driver codes and nothing is half-stored.
   */
  async transaction<T>(work: (tx: Repositories) => Promise<T>, onUniqueViolation?: () => AppError): Promise<T> {
    try {
      return await this.db.transaction().execute((trx) => work(bindRepositories(trx, this.adapter.features)));
    } catch (error) {
      if (onUniqueViolation && this.adapter.isUniqueViolation(error)) throw onUniqueViolation();
      if (this.adapter.isForeignKeyViolation(error)) throw new AppError('CONCURRENT_CHANGE', { cause: error });
      throw error;
    }
  }

  async migrate(): Promise<string[]> {
    const migrator = new Migrator({
      db: this.db,
      provider: createMigrationProvider(this.adapter.migrationContext),
      ...(this.adapter.migrationTableSchema ? { migrationTableSchema: this.adapter.migrationTableSchema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  /** Periodic upkeep (SQLite's statistics); a no-op where the database looks after itself. */
  async maintain(): Promise<void> {
    if (this.adapter.maintenanceSql) await sql.raw(this.adapter.maintenanceSql).execute(this.db);
  }

  async ping(): Promise<boolean> {
    try {
      await sql.raw(this.adapter.pingSql).execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
