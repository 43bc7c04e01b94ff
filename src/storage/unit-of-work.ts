import type { AppError } from '../domain/app-error.js';
import type { Repositories } from './repositories.js';

/**
 * How services reach persistence: never a standing set of repositories, only repositories handed to one piece
 * of work. `run` gets repositories whose statements commit one by one on the shared connection pool;
 * `transaction` gets repositories bound to one transaction, and those are the only ones usable until it ends.
 */
export interface UnitOfWork {
  /** Statements outside any transaction. Refused (TransactionMisuseError) when called from inside one. */
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  /**
   * Runs `work` atomically. A unique violation becomes `onUniqueViolation()` when given; a foreign-key violation
   * (the row named is gone) becomes 409 CONCURRENT_CHANGE. Refused (TransactionMisuseError) inside another one.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>, onUniqueViolation?: () => AppError): Promise<T>;
}

/**
 * What services (and the readiness route, through them) may see of storage: units of work, and whether storage
 * is answering. No standing repositories, so a repository call outside a unit of work cannot be written.
 */
export interface ServiceStorage extends UnitOfWork {
  readonly dialectName: 'sqlite' | 'postgres';
  readonly health: { readonly failingSince: number };
  /** A background round trip, so that the end of an outage is noticed. */
  probe(): void;
  /** A round trip that answers false, rather than waiting, when storage has not answered within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
}
