import type { AppError } from '../../domain/app-error.js';

export interface ErrorEnvelope {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: { error: { code: string; message: string; details: Record<string, unknown>; requestId: string } };
}

/**
 * The one shape every error takes on the wire, for Fastify's error handler, the verification fast path and the
 * malformed-request handler alike: the standard body, the error's own headers, and on a 401 a Bearer challenge
 * unless the error brought its own.
 */
export function errorEnvelope(error: AppError, requestId: string): ErrorEnvelope {
  const headers: Record<string, string> = {};
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) headers[name.toLowerCase()] = value;
  if (error.status === 401 && headers['www-authenticate'] === undefined) headers['www-authenticate'] = 'Bearer realm="latchkey"';
  return {
    status: error.status,
    headers,
    body: { error: { code: error.code, message: error.message, details: error.details ?? {}, requestId } },
  };
}
