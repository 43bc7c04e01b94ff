import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../domain/app-error.js';
import type { ErrorCode } from '../../domain/error-codes.js';
import type { App } from '../app-types.js';
import { errorEnvelope } from '../edge/error-envelope.js';

/** The one shape every error takes on the wire. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const envelope = errorEnvelope(error, request.id);
  // Set here as well as in the onSend hook: errors raised before routing skip the hooks.
  reply.header('x-request-id', request.id);
  for (const [name, value] of Object.entries(envelope.headers)) {
    // A challenge a route already set (e.g. for a session) wins over the default one.
    if (name === 'www-authenticate' && !error.headers?.['www-authenticate'] && reply.hasHeader(name)) continue;
    reply.header(name, value);
  }
  return reply.code(envelope.status).send(envelope.body);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

/** Maps anything thrown into the standard body: framework 4xx keep their meaning, everything unknown is a logged 500. */
export function translateError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fe = error as FastifyError & { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string };
  if (fe?.validation) {
    const issues = fe.validation.slice(0, 10).map((v) => {
      const extra = v.params?.additionalProperty;
      const path = `${v.instancePath ?? ''}${extra ? `/${String(extra)}` : ''}`.replace(/^\//, '').replace(/\//g, '.');
      return { field: path || fe.validationContext || 'body', message: extra ? 'is not a known field' : (v.message ?? 'is not valid') };
    });
    return new AppError('VALIDATION_FAILED', {
      message: `The ${fe.validationContext ?? 'request'} is not valid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}.`,
      details: { in: fe.validationContext ?? 'body', issues },
    });
  }
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (error instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400) return new AppError('MALFORMED_JSON');
  const status = (fe as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (status === 404) return new AppError('NOT_FOUND');
    return new AppError('VALIDATION_FAILED', { message: 'The request is not valid.' });
  }
  return new AppError('INTERNAL', { cause: error });
}

export function registerErrorHandling(app: App): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = translateError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, request, appError);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, new AppError('NOT_FOUND', { message: 'No such route or object.' })));
}
