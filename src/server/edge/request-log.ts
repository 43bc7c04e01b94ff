import type { FastifyBaseLogger } from 'fastify';
import type { EdgeRequest } from './edge-request.js';

/**
 * The one request line, written when a request completes on either path: its id, method, path (and query
 * parameter names, via the `req` serializer in logger-options.ts), client address, status, time, and the
 * credential that made the call (ids only).
 */
export function writeRequestLine(log: FastifyBaseLogger, request: EdgeRequest, statusCode: number, responseTimeMs: number): void {
  log.info(
    {
      reqId: request.id,
      req: { method: request.method, url: request.url, ip: request.ip },
      res: { statusCode },
      responseTime: responseTimeMs,
      ...(request.credential ? { credential: request.credential } : {}),
    },
    'request completed',
  );
}
