import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../domain/error-codes.js';
import { AppError } from '../domain/app-error.js';
import { errorEnvelope } from './edge/error-envelope.js';

function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'MALFORMED_REQUEST';
}

/**
 * node:http's 'clientError': a request so malformed (bad request line, conflicting Content-Length and
 * Transfer-Encoding, headers over the limit) that neither Fastify nor the verification fast path ever sees it.
 * It still gets the standard error body and a fresh request id, written raw on the socket, which is then closed
 * because its framing can no longer be trusted.
 */
export function createClientErrorHandler(nextRequestId: () => string, log: () => FastifyBaseLogger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const id = nextRequestId();
    const appError = new AppError(codeOf(error));
    log().info({ reqId: id, err: { code: error.code, message: error.message }, res: { statusCode: appError.status } }, 'malformed request refused');
    // Only when no response has started on this connection, as node:http's own handler does.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy(error);
      return;
    }
    const envelope = errorEnvelope(appError, id);
    const body = JSON.stringify(envelope.body);
    const extra = Object.entries(envelope.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(
      `HTTP/1.1 ${envelope.status} ${STATUS_CODES[envelope.status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Request-Id: ${id}\r\n${extra}Connection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };
}
