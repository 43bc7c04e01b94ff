import type { FastifyError, FastifyServerOptions } from 'fastify';
import { stdSerializers } from 'pino';
import { percentDecodeFully } from '../domain/percent-decode.js';

/**
 * Anything shaped like a token of any deployment prefix, in any case, also when its body has the wrong length
 * (a mistyped secret is still a secret).
 */
const TOKEN_LIKE = /[a-z][a-z0-9]{0,15}_(?:live|test|pat|inv)_[A-Za-z0-9]{16,}/gi;

/**
 * Texts are logged as given unless a token hides in them, also behind percent-encoding (`lk%5Flive%5F…`, or
 * `%255F` encoded twice): then the decoded text is logged, with the token cut out.
 */
function scrub(text: string): string {
  const decoded = percentDecodeFully(text);
  const scrubbed = decoded.replace(TOKEN_LIKE, '[redacted]');
  return scrubbed === decoded ? text : scrubbed;
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
}

/**
 * Request lines carry the path and the names of query parameters, never their values, and no headers; the
 * redaction list is a second line of defence for anything that logs a request or a body by accident. Paths,
 * parameter names and error messages are logged as given, so a token a client put there by mistake (in the
 * path, as `?lk_live_…`, or echoed in an error) is cut out of them.
 */
export function loggerOptions(level: string, extraHeader: string | undefined): FastifyServerOptions['logger'] {
  const headers = ['authorization', 'x-api-key', 'cookie', 'x-csrf-token', ...(extraHeader ? [extraHeader] : [])];
  return {
    level,
    redact: {
      paths: [
        ...headers.map((h) => `req.headers["${h}"]`),
        'res.headers["set-cookie"]',
        '*.secret',
        '*.password',
        '*.key',
        '*.token',
        '*.sessionToken',
        '*.csrfToken',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; id: string; ip?: string }) {
        const q = request.url.indexOf('?');
        const path = scrub(q === -1 ? request.url : request.url.slice(0, q));
        const params = q === -1 ? [] : [...new URLSearchParams(request.url.slice(q + 1)).keys()].map(scrub);
        return { method: request.method, path, ...(params.length ? { queryParams: params } : {}), ip: request.ip };
      },
      err(error: FastifyError) {
        return scrubDeep(stdSerializers.err(error)) as ReturnType<typeof stdSerializers.err>;
      },
    },
  };
}
