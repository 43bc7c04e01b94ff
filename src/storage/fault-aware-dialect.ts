import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import type { StorageHealth } from './storage-health.js';

export interface FaultPolicy {
  /** The dialect adapter's verdict: the database cannot answer now. */
  isUnavailable(error: unknown): boolean;
  /** What a fault becomes for the layers above (one error, whatever the driver said). */
  toError(cause: unknown): Error;
  health: StorageHealth;
  /** Longest wait for a connection before the query is given up as a fault. */
  acquireMs: number;
}

/**
 * Wraps a Kysely dialect so that every statement, inside a transaction or not, and every connection checkout,
 * goes through one place that (1) turns connection-level driver errors into the policy's error, (2) records
 * storage health, and (3) bounds the wait for a connection. Nothing above this layer ever sees a driver fault.
 */
export function faultAwareDialect(inner: Dialect, policy: FaultPolicy): Dialect {
  return {
    createDriver: () => new FaultAwareDriver(inner.createDriver(), policy),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}

class FaultAwareConnection implements DatabaseConnection {
  /** Set once a statement on this checkout met a fault; a failing rollback then changes nothing. */
  faulted = false;
  /** While true, statements are transaction control (begin, rollback): their success says nothing about health. */
  control = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly policy: FaultPolicy,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const started = Date.now();
    try {
      const result = await this.inner.executeQuery<R>(query);
      if (!this.control) this.policy.health.succeeded(started);
      return result;
    } catch (error) {
      throw this.fault(error, started);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const started = Date.now();
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
      this.policy.health.succeeded(started);
    } catch (error) {
      throw this.fault(error, started);
    }
  }

  fault(error: unknown, started: number): unknown {
    if (!this.policy.isUnavailable(error)) return error;
    this.faulted = true;
    this.policy.health.failed(started);
    return this.policy.toError(error);
  }
}

class FaultAwareDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly policy: FaultPolicy,
  ) {}

  async init(): Promise<void> {
    const started = Date.now();
    try {
      await this.inner.init();
    } catch (error) {
      throw this.fault(error, started);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const started = Date.now();
    const acquiring = this.inner.acquireConnection();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no connection within ${this.policy.acquireMs} ms`), { code: 'ACQUIRE_TIMEOUT' })), this.policy.acquireMs);
    });
    try {
      return new FaultAwareConnection(await Promise.race([acquiring, timedOut]), this.policy);
    } catch (error) {
      // A checkout that arrives after we gave up goes straight back, or the pool (or SQLite's mutex) would leak it.
      acquiring.then((late) => this.inner.releaseConnection(late)).catch(() => {});
      const timeout = (error as { code?: unknown }).code === 'ACQUIRE_TIMEOUT';
      if (timeout) this.policy.health.failed(started);
      throw timeout ? this.policy.toError(error) : this.fault(error, started);
    } finally {
      clearTimeout(timer);
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // The inner driver issues its statements through our connection, so they are mapped and timed like any other;
    // SQLite's deferred `begin` succeeds even when the database is locked, so it does not count as an answer.
    const wrapped = connection as FaultAwareConnection;
    wrapped.control = true;
    try {
      await this.inner.beginTransaction(connection, settings);
    } finally {
      wrapped.control = false;
    }
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const wrapped = connection as FaultAwareConnection;
    wrapped.control = true;
    try {
      await this.inner.rollbackTransaction(connection);
    } catch (error) {
      // After a fault the rollback often fails too (dead connection, or SQLite already rolled back); the
      // original fault is what the caller must see, and Kysely rethrows it once this returns.
      if (wrapped.faulted) return;
      throw error;
    } finally {
      wrapped.control = false;
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as FaultAwareConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private fault(error: unknown, started: number): unknown {
    if (!this.policy.isUnavailable(error)) return error;
    this.policy.health.failed(started);
    return this.policy.toError(error);
  }
}
