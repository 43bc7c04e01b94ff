import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Knows whether the current async context is a transaction's work. On Node 20 an enabled AsyncLocalStorage
 * installs promise and resource hooks that run for every promise the process makes, transaction or not: about
 * 5 µs of a 40 µs verification. Transactions are rare beside verifications, so the storage is enabled only while
 * at least one transaction is open and disabled again when the last one ends. Outside every transaction nothing
 * can be inside one, so a disabled storage answering "not inside" is exactly right; a promise chain a transaction
 * started and left running after its commit no longer counts as inside it, which is also right (its connection
 * is back in the pool).
 */
export class TransactionContext {
  private readonly storage = new AsyncLocalStorage<true>();
  private open = 0;

  get inside(): boolean {
    return this.open > 0 && this.storage.getStore() === true;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.open++;
    try {
      return await this.storage.run(true, work);
    } finally {
      if (--this.open === 0) this.storage.disable();
    }
  }
}
