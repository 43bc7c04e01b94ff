import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.js';
import type { App } from '../app-types.js';
import { readBody } from '../edge/body-reader.js';
import { emptyBodyError, isJsonMediaType, parseJsonBody } from '../parse-json-body.js';

/**
 * One rule for bodies on every route. A non-empty body must be `application/json` (UTF-8), or it is 415
 * UNSUPPORTED_MEDIA_TYPE, also on routes that take no body, so nothing a client sends is silently dropped.
 * An empty body is no body, whatever its declared type: routes without a body accept it, a route with an
 * optional body sees `{}`, and a route that needs one answers MALFORMED_JSON. JSON goes through
 * parseJsonBody, the parser the verification fast path uses too, after the same body reader (edge/body-reader.ts)
 * with the same size limit.
 */
export function registerBodyParsing(app: App): void {
  app.removeAllContentTypeParsers();
  // A path that matches no route is a 404 whatever its body says.
  app.addContentTypeParser('application/json', async (request: FastifyRequest, payload: IncomingMessage) => {
    const body = await readBody(payload, request.headers);
    if (request.is404) return undefined;
    if (!isJsonMediaType(request.headers['content-type'])) {
      if (body.length === 0) return undefined;
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'JSON bodies must be UTF-8.' });
    }
    return parseJsonBody(body.toString('utf8'));
  });
  // Every other type, and a body with no type at all: read only to learn whether it is empty.
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: IncomingMessage) => {
    const body = await readBody(payload, request.headers);
    if (request.is404 || body.length === 0) return undefined;
    throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  });
  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.schema?.body || (request.body !== undefined && request.body !== null)) return;
    if (request.routeOptions.config?.optionalBody) request.body = {};
    else if (request.body === undefined) throw emptyBodyError();
  });
}
