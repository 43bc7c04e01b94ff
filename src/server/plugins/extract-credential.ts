import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';

/**
 * Finds the presented token: `Authorization: Bearer`, then `X-API-Key`, then the deployment's extra header.
 * Returns undefined when none is present; a malformed Authorization header is an invalid credential, not a
 * missing one, so clients learn they sent something wrong.
 */
export function extractCredential(request: FastifyRequest, extraHeader: string | undefined): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
    if (!match) {
      throw new AppError('AUTH_INVALID', {
        message: 'The Authorization header must be "Bearer <token>".',
        headers: { 'www-authenticate': 'Bearer realm="latchkey", error="invalid_request"' },
      });
    }
    return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey.trim();
  if (extraHeader) {
    const value = request.headers[extraHeader];
    if (typeof value === 'string' && value !== '') return value.trim();
  }
  return undefined;
}
