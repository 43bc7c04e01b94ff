import type { FastifyBaseLogger } from 'fastify';
import type { EdgeRequest } from './edge-request.js';

/**
 * The request line's logger: the app's logger (same destination, level and `req` serializer) without the
 * redaction pass. Redaction walks and clones every logged object for its wildcard paths, and measured at about
 * half of this line's cost (10 of 20 µs); this line needs none, because each of its fields is built here from
 * values that cannot hold a secret: the request id (generated, or checked against REQUEST_ID_PATTERN), method,
 * the path scrubbed by the `req` serializer (logger-options.ts), the client address, status, time and
 * credential ids. Every other line keeps the redaction; test/security/secret-canary.test.ts checks them all.
 */
const lineLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

function lineLogger(log: FastifyBaseLogger): FastifyBaseLogger {
  let line = lineLoggers.get(log);
  if (!line) {
    line = log.child({}, { redact: { paths: [], censor: '[redacted]' } } as never);
    lineLoggers.set(log, line);
  }
  return line;
}

/**
 * The one request line, written when a request completes on either path: its id, method, path (and query
 * parameter names, via the `req` serializer), client address, status, time, and the credential that made the
 * call (ids only).
 */
export function writeRequestLine(log: FastifyBaseLogger, request: EdgeRequest, statusCode: number, responseTimeMs: number): void {
  lineLogger(log).info(
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
