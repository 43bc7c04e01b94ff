import type { Invalidation, InvalidationBus, InvalidationRecord } from '../../ports/invalidation-bus.js';

/**
 * One process (SQLite, which refuses a second instance): every change passes through this process, so publishing
 * applies the records to its subscribers before it resolves, and the cache is always trusted.
 */
export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];

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
