/**
 * Changes that make cached verification state stale. Published before a change's response returns; the
 * in-process bus applies them synchronously. A multi-instance deployment swaps in a bus that also
 * broadcasts to the other instances (Redis pub/sub), without the services noticing.
 */
export type Invalidation =
  | { type: 'keys'; keyIds: readonly string[] }
  | { type: 'member'; orgId: string; userId: string };

export interface InvalidationBus {
  publish(event: Invalidation): Promise<void>;
  subscribe(handler: (event: Invalidation) => void): void;
}

export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];

  async publish(event: Invalidation): Promise<void> {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: (event: Invalidation) => void): void {
    this.handlers.push(handler);
  }
}
