import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../../domain/app-error.js';
import { OAuthError, type OAuthErrorCode } from '../../../domain/oauth-error.js';
import type { ClientAuth } from '../../../services/oauth-service.js';

/** `Basic realm=…` for a failed client authentication (RFC 6749 §5.2: 401 with a challenge of the scheme used). */
export const CLIENT_CHALLENGE = 'Basic realm="latchkey", charset="UTF-8"';

/**
 * A form body (RFC 6749 §3.2: application/x-www-form-urlencoded) into one value per name. A repeated parameter
 * is refused (RFC 6749 §3.1), as is anything that is not UTF-8 text.
 */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(out, name)) throw new OAuthError('invalid_request', `The parameter ${name.slice(0, 40)} is repeated.`);
    out[name] = value;
  }
  return out;
}

/** A JSON body (seed 001 shows one) must be an object of strings, the same shape a form has. */
export function fromJson(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_request', 'The body must be an object.');
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `The parameter ${name.slice(0, 40)} must be a string.`);
    out[name] = value;
  }
  return out;
}

/** The parameters of a request to the token, revocation or introspection endpoint, whichever way they were sent. */
export function paramsOf(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (body === undefined || body === null) return Object.create(null) as Record<string, string>;
  if (typeof body === 'object' && (body as { [FORM]?: true })[FORM]) return body as Record<string, string>;
  return fromJson(body);
}

export const FORM = Symbol('form');

/**
 * client_secret_basic (the id and secret form-urlencoded, then Base64, RFC 6749 §2.3.1) or client_secret_post, never
 * both (RFC 6749 §2.3: one method per request); a public client sends only its client_id. Returns null when the
 * request carries no client authentication at all.
 */
export function clientAuthOf(request: FastifyRequest, params: Record<string, string>): (ClientAuth & { basic: boolean }) | null {
  const header = request.headers.authorization;
  if (header !== undefined && /^basic /i.test(header)) {
    if (params.client_secret !== undefined) throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new OAuthError('invalid_client', 'The Basic credentials are malformed.');
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'The Basic credentials are malformed.');
    }
    if (params.client_id !== undefined && params.client_id !== clientId) throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials.');
    return { clientId, clientSecret, basic: true };
  }
  if (params.client_id === undefined) return null;
  return { clientId: params.client_id, clientSecret: params.client_secret ?? null, basic: false };
}

const STATUS: Partial<Record<OAuthErrorCode, number>> = { invalid_client: 401, server_error: 500, temporarily_unavailable: 503 };

/**
 * The area's one error format (RFC 6749 §5.2): `{ error, error_description }`, never Latchkey's envelope. Latchkey's
 * own errors raised on the way (a malformed JSON body, a body too large, storage down) are told in the same form.
 */
export function sendOAuthError(reply: FastifyReply, error: unknown): FastifyReply {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (error instanceof OAuthError) {
    if (error.error === 'invalid_client') reply.header('www-authenticate', CLIENT_CHALLENGE);
    return reply.code(STATUS[error.error] ?? 400).send({ error: error.error, error_description: error.description });
  }
  if (isAppError(error)) {
    for (const [name, value] of Object.entries(error.headers ?? {})) if (name !== 'www-authenticate') reply.header(name, value);
    if (error.code === 'STORAGE_UNAVAILABLE') {
      reply.header('retry-after', '1');
      return reply.code(503).send({ error: 'temporarily_unavailable', error_description: error.message });
    }
    if (error.status === 401) {
      reply.header('www-authenticate', 'Bearer realm="latchkey", error="invalid_token"');
      return reply.code(401).send({ error: 'invalid_token', error_description: error.message });
    }
    if (error.status === 403) return reply.code(403).send({ error: 'insufficient_scope', error_description: error.message });
    if (error.status < 500) return reply.code(error.status === 404 ? 400 : error.status).send({ error: 'invalid_request', error_description: error.message });
  }
  const status = (error as { statusCode?: number } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(status === 404 ? 404 : 400).send({ error: 'invalid_request', error_description: 'The request is not valid.' });
  }
  reply.log.error({ err: error }, 'oauth request failed');
  return reply.code(500).send({ error: 'server_error', error_description: 'An internal error occurred.' });
}
