import type { DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';

/**
 * Wraps a dialect so that every checkout of a connection first asks `assertMayAcquire`. A transaction checks its
 * connection out once, before its work starts; every later checkout made from inside that work is the misuse
 * the check refuses, so it fails at once instead of waiting for a connection the transaction itself holds.
 */
export function transactionGuardedDialect(inner: Dialect, assertMayAcquire: () => void): Dialect {
  return {
    createDriver: () => new GuardedDriver(inner.createDriver(), assertMayAcquire),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}

class GuardedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly assertMayAcquire: () => void,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.assertMayAcquire();
    return this.inner.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
