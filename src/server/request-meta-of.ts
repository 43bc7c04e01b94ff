import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/app-error.js';
import type { Principal } from '../domain/principal.js';
import type { RequestMeta } from '../services/request-meta.js';

export function metaOf(request: FastifyRequest): RequestMeta {
  return { ip: request.ip ?? null, requestId: request.id };
}

/** The authenticated caller; routes marked public never call this. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('AUTH_MISSING');
  return request.principal;
}
