import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../domain/app-error.js';
import type { Metrics } from '../ports/metrics.js';
import { errorEnvelope } from './edge/error-envelope.js';

export const METRICS_PATH = '/metrics';

function isMetricsRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return req.method === 'GET' && (url === METRICS_PATH || url.startsWith(`${METRICS_PATH}?`));
}

/** Digests first, so the comparison takes the same time whatever the length or content of the guess. */
function sameToken(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function sendMetrics(metrics: Metrics, res: ServerResponse, requestId: string | undefined): Promise<number> {
  const { contentType, body } = await metrics.render();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...(requestId ? { 'x-request-id': requestId } : {}) });
  res.end(body);
  return 200;
}

function sendError(res: ServerResponse, error: AppError, requestId: string): number {
  const envelope = errorEnvelope(error, requestId);
  const body = JSON.stringify(envelope.body);
  res.writeHead(envelope.status, { ...envelope.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId });
  res.end(body);
  return envelope.status;
}

/**
 * GET /metrics on the main port, behind LATCHKEY_METRICS_TOKEN. Served from node:http before Fastify, so it is not
 * an API operation (no OpenAPI entry, no session, no rate limit bucket) and answers nothing when metrics are off:
 * the request then goes on to Fastify, which answers 404 as for any unknown path.
 * Returns the status it answered, or null when the request is not its own.
 */
export function createTokenMetricsHandler(metrics: Metrics, token: string | undefined) {
  return (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<number> | null => {
    if (token === undefined || !isMetricsRequest(req)) return null;
    const header = req.headers.authorization;
    if (header === undefined || header === '') return Promise.resolve(sendError(res, new AppError('AUTH_MISSING'), requestId));
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !sameToken(match[1]!, token)) return Promise.resolve(sendError(res, new AppError('AUTH_INVALID'), requestId));
    return sendMetrics(metrics, res, requestId);
  };
}

/** LATCHKEY_METRICS_PORT: a listener of its own that serves GET /metrics and nothing else (404 for the rest). */
export async function listenForMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (isMetricsRequest(req)) {
      sendMetrics(metrics, res, undefined).catch(() => {
        res.statusCode = 503;
        res.end();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
