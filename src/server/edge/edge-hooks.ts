import type { EdgeRequest } from './edge-request.js';

/** Something that wants to see every request, whichever path serves it (metrics, tracing). */
export interface EdgeHook {
  onRequest?(request: EdgeRequest): void;
  onResponse?(request: EdgeRequest, statusCode: number, durationMs: number): void;
}

/**
 * The one list of per-request hooks. Both the verification fast path and the Fastify app report the start and
 * the end of each request here (through edge-request.ts), so a hook registered once sees all traffic. Hooks are
 * synchronous and must not throw: a failing hook is reported and skipped, never allowed to change an answer.
 */
export class EdgeHooks {
  private hooks: EdgeHook[] = [];

  constructor(private readonly onHookError: (error: unknown) => void = () => {}) {}

  add(hook: EdgeHook): () => void {
    this.hooks = [...this.hooks, hook];
    return () => {
      this.hooks = this.hooks.filter((h) => h !== hook);
    };
  }

  started(request: EdgeRequest): void {
    for (const hook of this.hooks) {
      try {
        hook.onRequest?.(request);
      } catch (error) {
        this.onHookError(error);
      }
    }
  }

  finished(request: EdgeRequest, statusCode: number, durationMs: number): void {
    for (const hook of this.hooks) {
      try {
        hook.onResponse?.(request, statusCode, durationMs);
      } catch (error) {
        this.onHookError(error);
      }
    }
  }
}
