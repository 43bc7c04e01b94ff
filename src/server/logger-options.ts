import type { FastifyError } from 'fastify';
import type { LoggerOptions as PinoLoggerOptions } from 'pino';
import { stdSerializers } from 'pino';
import { percentDecodeFully } from '../domain/percent-decode.js';
import type { TokenFormat } from '../domain/token-format.js';
import { ANY_FORMAT_LEAK_SOURCE, JWT_LEAK_SOURCE, leakPattern } from '../domain/token-patterns.js';

/**
 * A token of this deployment, from the same generated pattern the URL filter refuses, or of any other format
 * (a secret from another deployment or from before a format change), in any case, also cut short.
 */
function tokenLike(format: TokenFormat | undefined): RegExp {
  return new RegExp(format ? `${leakPattern(format).source}|${ANY_FORMAT_LEAK_SOURCE}` : `${ANY_FORMAT_LEAK_SOURCE}|${JWT_LEAK_SOURCE}`, 'gi');
}

/**
 * Texts are logged as given unless a token hides in them, also behind percent-encoding (`lk%5Flive%5F…`, or
 * `%255F` encoded twice): then the decoded text is logged, with the token cut out.
 */
function scrub(text: string, tokenLike: RegExp): string {
  // Every token pattern needs an underscore, which only `%` could spell otherwise, or a JWT's `eyJ`: a text with
  // none of them holds no token and is logged as given, without the decoding and the search (the verify path's
  // own path is one such).
  if (!text.includes('_') && !text.includes('%') && !text.includes('eyJ')) return text;
  const decoded = percentDecodeFully(text);
  const scrubbed = decoded.replace(tokenLike, '[redacted]');
  return scrubbed === decoded ? text : scrubbed;
}

function scrubDeep(value: unknown, tokenLike: RegExp, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, tokenLike);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, tokenLike, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, tokenLike, depth + 1)]));
}

/**
 * Request lines carry the path and the names of query parameters, never their values, and no headers; the
 * redaction list is a second line of defence for anything that logs a request or a body by accident. Paths,
 * parameter names and error messages are logged as given, so a token a client put there by mistake (in the
 * path, as `?lk_live_…`, or echoed in an error) is cut out of them.
 */
export function loggerOptions(level: string, extraHeader: string | undefined, format?: TokenFormat): PinoLoggerOptions {
  const pattern = tokenLike(format);
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
        const path = scrub(q === -1 ? request.url : request.url.slice(0, q), pattern);
        const params = q === -1 ? [] : [...new URLSearchParams(request.url.slice(q + 1)).keys()].map((name) => scrub(name, pattern));
        return { method: request.method, path, ...(params.length ? { queryParams: params } : {}), ip: request.ip };
      },
      err(error: FastifyError) {
        return scrubDeep(stdSerializers.err(error), pattern) as ReturnType<typeof stdSerializers.err>;
      },
    },
  };
}
