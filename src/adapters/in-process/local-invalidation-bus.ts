import type { Invalidation, InvalidationBus, InvalidationRecord } from '../../ports/invalidation-bus.js';

/**
 * One process (SQLite, which refuses a second instance): every change passes through this process, so publishing
 * applies the records to its subscribers before it resolves, and the cache is always trusted.
 */
export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];
  /** Nothing arrives from elsewhere, and nothing can be missed, in one process. */
  readonly stats = { applied: 0, trimmedPast: 0, reconnects: 0, failedReads: 0, waitTimeouts: 0, instancesSeen: 1 };

  onApplied(): void {}

  async publish(records: readonly InvalidationRecord[]): Promise<void> {
    for (const record of records) for (const handler of this.handlers) handler(record.event);
  }

  subscribe(handler: (event: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  trusted(): boolean {
    return true;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}
