import { storageUnavailable } from '../../../domain/storage-unavailable.js';
import type { App } from '../../app-types.js';
import { errorResponses, ok } from '../../schemas/common.js';
import { Health, Readiness } from '../../schemas/system-schemas.js';

/** Probes for orchestrators, at the root: /healthz and /readyz. Their only error is a credential in the URL (400), as on every route. */
export async function healthRoutes(app: App): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { operationId: 'systemHealth', security: [], tags: ['system'], summary: 'The process is alive', response: { 200: ok(Health, 'Alive.'), ...errorResponses(400) } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'systemReady',
        security: [],
        tags: ['system'],
        summary: 'Storage is reachable: answers 503 within LATCHKEY_READY_TIMEOUT_MS when it is not',
        response: { 200: ok(Readiness, 'Ready.'), ...errorResponses(400, 503) },
      },
    },
    async () => {
      const { storage, config } = app.latchkey.ctx;
      // Bounded: a frozen database must make the probe fail promptly, not hang the orchestrator's check.
      if (!(await storage.ping(config.readyTimeoutMs))) throw storageUnavailable();
      return { status: 'ready' as const, storage: storage.dialectName, instanceId: app.latchkey.instanceId };
    },
  );
}
