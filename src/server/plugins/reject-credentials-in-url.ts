import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';
import { looksLikeToken } from '../../domain/token-format.js';

const SECRET_PARAMS = new Set(['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'secret', 'password', 'client_secret']);

/** Secrets in URLs end up in proxy logs, browser history and Referer headers; refuse them outright (ASVS 14.2.1). */
export function rejectCredentialsInUrl(request: FastifyRequest, prefix: string): void {
  const q = request.url.indexOf('?');
  if (q === -1) return;
  const params = new URLSearchParams(request.url.slice(q + 1));
  for (const [name, value] of params) {
    if (SECRET_PARAMS.has(name.toLowerCase()) || looksLikeToken(value, prefix) || looksLikeToken(name, prefix)) {
      throw new AppError('CREDENTIAL_IN_QUERY', { details: { parameter: looksLikeToken(name, prefix) ? '(a token)' : name } });
    }
  }
}
