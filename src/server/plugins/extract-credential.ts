import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';

export type PresentedCredential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; value: string };

/**
 * Finds the presented token: `Authorization: Bearer`, then `X-API-Key`, then the deployment's extra header.
 * Works on raw headers so the verification fast path and the auth plugin read credentials the same way.
 */
export function credentialFromHeaders(headers: IncomingHttpHeaders, extraHeader: string | undefined): PresentedCredential {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
    return match ? { kind: 'token', value: match[1]! } : { kind: 'malformed' };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { kind: 'token', value: apiKey.trim() };
  if (extraHeader) {
    const value = headers[extraHeader];
    if (typeof value === 'string' && value !== '') return { kind: 'token', value: value.trim() };
  }
  return { kind: 'none' };
}

/**
 * The token of a request, or undefined when none is present. A malformed Authorization header is an invalid
 * credential, not a missing one, so clients learn they sent something wrong.
 */
export function extractCredential(request: FastifyRequest, extraHeader: string | undefined): string | undefined {
  const presented = credentialFromHeaders(request.headers, extraHeader);
  if (presented.kind === 'malformed') {
    throw new AppError('AUTH_INVALID', {
      message: 'The Authorization header must be "Bearer <token>".',
      headers: { 'www-authenticate': 'Bearer realm="latchkey", error="invalid_request"' },
    });
  }
  return presented.kind === 'token' ? presented.value : undefined;
}
