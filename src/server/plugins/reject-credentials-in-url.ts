import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';
import { percentDecodeFully } from '../../domain/percent-decode.js';
import type { TokenFormat } from '../../domain/token-format.js';
import { leakPattern } from '../../domain/token-patterns.js';

const SECRET_PARAMS = new Set(['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'secret', 'password', 'client_secret']);

const patterns = new WeakMap<TokenFormat, RegExp>();

/** What a URL part finally says: `+` as a space (form encoding), percent-decoded until stable, trimmed. */
function spelled(text: string): string {
  return percentDecodeFully(text.replace(/\+/g, ' ')).trim();
}

/**
 * Secrets in URLs end up in proxy logs, browser history and Referer headers; refuse them outright (ASVS 14.2.1).
 * A parameter named like a credential is refused whatever its value; a token of this deployment is refused
 * wherever it appears (a query name or value, or the path), however it is encoded, padded or cased.
 */
export function rejectCredentialsInUrl(request: FastifyRequest, format: TokenFormat): void {
  const token = patterns.get(format) ?? patterns.set(format, leakPattern(format)).get(format)!;
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  if (token.test(spelled(path))) throw new AppError('CREDENTIAL_IN_QUERY', { details: { parameter: '(the path)' } });
  if (q === -1) return;
  for (const part of request.url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const name = spelled(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : spelled(part.slice(eq + 1));
    if (token.test(name)) throw new AppError('CREDENTIAL_IN_QUERY', { details: { parameter: '(a token)' } });
    if (SECRET_PARAMS.has(name.toLowerCase()) || token.test(value)) throw new AppError('CREDENTIAL_IN_QUERY', { details: { parameter: name } });
  }
}
