import { Type } from '@sinclair/typebox';
import { storageUnavailable } from '../../../domain/storage-unavailable.js';
import type { App } from '../../app-types.js';

export async function healthRoutes(app: App): Promise<void> {
  app.get(
    '/healthz',
    { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'The process is alive', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Storage is reachable: answers 503 within LATCHKEY_READY_TIMEOUT_MS when it is not',
        response: { 200: Type.Object({ status: Type.Literal('ready'), storage: Type.String() }), 503: { $ref: 'Error#' } },
      },
    },
    async () => {
      const { storage, config } = app.latchkey.ctx;
      // Bounded: a frozen database must make the probe fail promptly, not hang the orchestrator's check.
      if (!(await storage.ping(config.readyTimeoutMs))) throw storageUnavailable();
      return { status: 'ready' as const, storage: storage.dialectName };
    },
  );
}
