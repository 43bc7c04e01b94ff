import { Type } from '@sinclair/typebox';
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
        summary: 'Storage is reachable',
        response: { 200: Type.Object({ status: Type.Literal('ready'), storage: Type.String() }), 503: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const storage = app.latchkey.ctx.storage;
      if (!(await storage.ping())) {
        return reply.code(503).send({ error: { code: 'STORAGE_UNAVAILABLE', message: 'Storage is not reachable.', details: {}, requestId: request.id } });
      }
      return { status: 'ready' as const, storage: storage.dialectName };
    },
  );
}
