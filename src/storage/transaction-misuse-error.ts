/**
 * A programming error, not a fault: code running inside `storage.transaction(tx => ...)` asked for the shared
 * connection (through `storage.run`, a nested `storage.transaction`, or repositories obtained outside). On SQLite
 * that connection is the one the transaction holds, so the call would wait for ever; on PostgreSQL it would run
 * outside the transaction's atomicity and locks. Thrown at once instead, naming the fix.
 */
export class TransactionMisuseError extends Error {
  constructor() {
    super(
      'Storage was used outside the current transaction from inside it. Inside storage.transaction(tx => ...), use only the repositories in `tx`; do other reads before the transaction or after it.',
    );
    this.name = 'TransactionMisuseError';
  }
}
