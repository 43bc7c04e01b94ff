import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';
import { percentDecodeFully } from '../../domain/percent-decode.js';
import { TOKEN_TYPES } from '../../domain/token-format.js';

const SECRET_PARAMS = new Set(['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'secret', 'password', 'client_secret']);

/**
 * A token of this deployment anywhere in a text: prefix and type in any case, and a body of at least 16
 * characters, so a truncated or mistyped secret counts too (it is still most of a secret).
 */
function tokenPattern(prefix: string): RegExp {
  return new RegExp(`${prefix}_(?:${TOKEN_TYPES.join('|')})_[A-Za-z0-9]{16}`, 'i');
}

const patterns = new Map<string, RegExp>();

/** What a URL part finally says: `+` as a space (form encoding), percent-decoded until stable, trimmed. */
function spelled(text: string): string {
  return percentDecodeFully(text.replace(/\+/g, ' ')).trim();
}

/**
 * Secrets in URLs end up in proxy logs, browser history and Referer headers; refuse them outright (ASVS 14.2.1).
 * A parameter named like a credential is refused whatever its value; a token of this deployment is refused
 * wherever it appears (a query name or value, or the path), however it is encoded, padded or cased.
 */
export function rejectCredentialsInUrl(request: FastifyRequest, prefix: string): void {
  const token = patterns.get(prefix) ?? patterns.set(prefix, tokenPattern(prefix)).get(prefix)!;
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
