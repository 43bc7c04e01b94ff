import type { Invalidation, InvalidationBus } from '../../ports/invalidation-bus.js';

/** One process: publishing applies the event to this process's subscribers before it resolves. */
export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];

  async publish(event: Invalidation): Promise<void> {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: (event: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {}
}
