import { Kysely, Migrator, sql } from 'kysely';
import { AppError } from '../domain/app-error.js';
import type { Invalidation, InvalidationRecord } from '../domain/invalidation.js';
import { storageUnavailable } from '../domain/storage-unavailable.js';
import type { DialectAdapter, StorageFeatures } from './dialect/dialect-adapter.js';
import { type FaultPolicy, faultAwareDialect } from './fault-aware-dialect.js';
import { createMigrationProvider } from './migrations/index.js';
import { bindRepositories, type Repositories } from './repositories.js';
import type { Database } from './schema.js';
import { StorageHealth } from './storage-health.js';
import { DEFAULT_STORAGE_TIMEOUTS } from './storage-timeouts.js';
import { TransactionContext } from './transaction-context.js';
import { TransactionMisuseError } from './transaction-misuse-error.js';
import { transactionGuardedDialect } from './transaction-guarded-dialect.js';
import type { ServiceStorage } from './unit-of-work.js';

const PROBE_TIMEOUT_MS = 5_000;

export interface StorageSettings {
  /** Longest wait for a free connection. */
  acquireMs?: number;
  /** Rows per set-based statement, in place of the dialect's (tests cross chunk boundaries with a few rows). */
  rowSetChunk?: number;
}

/**
 * The one door to persistence. Services see units of work (ServiceStorage), never SQL, and never learn which
 * database is underneath. Every statement passes through a fault-aware driver, so a database that is down,
 * frozen or out of resources surfaces as STORAGE_UNAVAILABLE (503) from any repository call, in a transaction or
 * not, and `health` knows since when storage has been failing. Inside a transaction only its own repositories
 * work: any other checkout of a connection from inside it throws TransactionMisuseError at once (on SQLite it
 * would otherwise wait for ever for the connection the transaction holds).
 */
export class Storage implements ServiceStorage {
  readonly health = new StorageHealth();
  private readonly db: Kysely<Database>;
  private probing = false;
  private lastProbe = 0;

  private readonly policy: FaultPolicy;
  private readonly features: StorageFeatures;
  private publishCommitted: ((records: readonly InvalidationRecord[]) => Promise<void>) | undefined;
  private readonly shared: Repositories;
  /** Set for the async context of a transaction's work, which is how a checkout from inside one is recognised. */
  private readonly insideTransaction = new TransactionContext();

  constructor(
    private readonly adapter: DialectAdapter,
    settings: StorageSettings = {},
  ) {
    this.policy = {
      isUnavailable: (error) => adapter.isUnavailable(error),
      toError: storageUnavailable,
      health: this.health,
      acquireMs: settings.acquireMs ?? DEFAULT_STORAGE_TIMEOUTS.acquireMs,
    };
    const guarded = transactionGuardedDialect(faultAwareDialect(adapter.dialect, this.policy), () => {
      if (this.insideTransaction.inside) throw new TransactionMisuseError();
    });
    this.db = new Kysely<Database>({ dialect: guarded });
    this.features = settings.rowSetChunk === undefined ? adapter.features : { ...adapter.features, rowSetChunk: settings.rowSetChunk };
    this.shared = bindRepositories(this.db, this.features);
  }

  /**
   * The repositories on the shared connection pool, for tests and tools that inspect storage directly. Services
   * get ServiceStorage, which has no such member; used from inside a transaction these throw like `run`.
   */
  get repos(): Repositories {
    return this.shared;
  }

  /** The LISTEN/NOTIFY channel of this schema's invalidation log; null on SQLite. */
  get notifyChannel(): string | null {
    return this.adapter.features.notifyChannel;
  }

  /** Connections open, idle and waited for in the pool; undefined on SQLite. */
  poolUse(): { total: number; idle: number; waiting: number } | undefined {
    return this.adapter.poolUse?.();
  }

  get dialectName(): 'sqlite' | 'postgres' {
    return this.adapter.name;
  }

  /** Statements that commit one by one on the shared pool; refused from inside a transaction. */
  async run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.insideTransaction.inside) throw new TransactionMisuseError();
    return work(this.shared);
  }

  /**
   * Runs `work` atomically. Driver errors that mean "this name/email/id already exists" become the caller's
   * chosen conflict error, and "the row this one names is gone" (a foreign key, when another transaction removed
   * it first) becomes 409 CONCURRENT_CHANGE, so routes never see driver codes and nothing is half-stored.
   * Invalidations the work recorded (`tx.invalidations.record`) are appended to the log inside the transaction
   * and published after it commits, before this resolves: the one path every cache-affecting change takes.
   */
  async transaction<T>(work: (tx: Repositories) => Promise<T>, onUniqueViolation?: () => AppError): Promise<T> {
    try {
      if (this.insideTransaction.inside) throw new TransactionMisuseError();
      // The context is entered only once the transaction holds its connection, so its own checkout is not refused.
      const pending: Invalidation[] = [];
      let committed: InvalidationRecord[] = [];
      const result = await this.db.transaction().execute((trx) =>
        this.insideTransaction.run(async () => {
          const repos = bindRepositories(trx, this.features, pending);
          const value = await work(repos);
          // Last in the transaction: the log's lock is then held only for the commit (see InvalidationRepository).
          committed = await repos.invalidations.append(pending, Date.now());
          return value;
        }),
      );
      if (committed.length > 0 && this.publishCommitted) await this.publishCommitted(committed);
      return result;
    } catch (error) {
      if (onUniqueViolation && this.adapter.isUniqueViolation(error)) throw onUniqueViolation();
      if (this.adapter.isForeignKeyViolation(error)) throw new AppError('CONCURRENT_CHANGE', { cause: error });
      throw error;
    }
  }

  /**
   * Where committed invalidation records go (the instance's bus, set by createLatchkey). `transaction` awaits it,
   * so a change's response waits for the bus's confirmation; until it is set, records are only logged.
   */
  onInvalidationsCommitted(publish: (records: readonly InvalidationRecord[]) => Promise<void>): void {
    this.publishCommitted = publish;
  }

  async migrate(): Promise<string[]> {
    const separate = this.adapter.createMigrationDialect?.();
    const db = separate ? new Kysely<Database>({ dialect: faultAwareDialect(separate, this.policy) }) : this.db;
    try {
      const migrator = new Migrator({
        db,
        provider: createMigrationProvider(this.adapter.migrationContext),
        ...(this.adapter.migrationTableSchema ? { migrationTableSchema: this.adapter.migrationTableSchema } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      if (separate) await db.destroy();
    }
  }

  /** Periodic upkeep (SQLite's statistics); a no-op where the database looks after itself. */
  async maintain(): Promise<void> {
    if (this.adapter.maintenanceSql) await sql.raw(this.adapter.maintenanceSql).execute(this.db);
  }

  /** A round trip that answers false, rather than waiting, when storage has not answered within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answered = sql
      .raw(this.adapter.pingSql)
      .execute(this.db)
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Asks storage for a round trip in the background, at most once a second, so that an outage is seen to end
   * even when every request is refused before reaching storage (cached credentials past the outage grace).
   */
  probe(): void {
    const now = Date.now();
    if (this.probing || now - this.lastProbe < 1000) return;
    this.probing = true;
    this.lastProbe = now;
    void this.ping(PROBE_TIMEOUT_MS).finally(() => {
      this.probing = false;
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
