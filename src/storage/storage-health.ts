/**
 * Whether storage is answering, as seen by the queries themselves: no probe of its own, so it costs one clock
 * read per query and reports an outage as soon as any query (a lookup, a write, the periodic usage flush, the
 * readiness probe) meets one.
 */
export class StorageHealth {
  private failingSinceValue = 0;
  private lastSuccessValue = 0;

  /**
   * Epoch milliseconds at which the oldest failing query of the current outage started; 0 while storage answers.
   * A plain field read, so the verification hot path can consult it on every cached answer.
   */
  get failingSince(): number {
    return this.failingSinceValue;
  }

  /** When a query last succeeded; 0 before the first. */
  get lastSuccess(): number {
    return this.lastSuccessValue;
  }

  succeeded(at: number): void {
    this.lastSuccessValue = at;
    this.failingSinceValue = 0;
  }

  /** `startedAt` is when the failed query began: a frozen database is failing from then, not from the timeout. */
  failed(startedAt: number): void {
    if (this.failingSinceValue === 0 || startedAt < this.failingSinceValue) this.failingSinceValue = Math.max(startedAt, 1);
  }
}
