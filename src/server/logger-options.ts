import type { FastifyServerOptions } from 'fastify';

/**
 * Request lines carry the path and the names of query parameters, never their values, and no headers; the
 * redaction list is a second line of defence for anything that logs a request or a body by accident.
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
        const path = q === -1 ? request.url : request.url.slice(0, q);
        const params = q === -1 ? [] : [...new URLSearchParams(request.url.slice(q + 1)).keys()];
        return { method: request.method, path, ...(params.length ? { queryParams: params } : {}), ip: request.ip };
      },
    },
  };
}
