import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { type Principal, principalCan } from '../../domain/principal.js';
import type { Latchkey } from '../../services/create-latchkey.js';
import { isStorageUnavailable } from '../../domain/storage-unavailable.js';
import { translateError } from '../plugins/error-handler.js';
import { emptyBodyError, isJsonMediaType, parseJsonBody } from '../parse-json-body.js';
import type { Validator } from '../validator-compiler.js';
import { credentialFromHeaders } from '../plugins/extract-credential.js';
import { VERIFY_PERMISSION } from '../../domain/verify-permission.js';
import { verifyRequest } from '../verify-request.js';
import { readBody } from '../edge/body-reader.js';
import { type Edge, type EdgeRequest, credentialRef } from '../edge/edge-request.js';
import { errorEnvelope } from '../edge/error-envelope.js';

const PATH = '/v1/keys/verify';

export interface FastVerifyDeps {
  lk: Latchkey;
  log: FastifyBaseLogger;
  edge: Edge;
  validateBody: Validator;
}

/**
 * Verification is the call every protected API makes on every request, and Fastify's general pipeline costs
 * several times the verification itself. This path serves the plain case straight from node:http: a POST with a
 * JSON body and a header credential that holds the verify permission. Everything else — sessions, missing or
 * failing credentials, query strings, trusted proxies — is handed untouched to Fastify, which answers it
 * exactly as any route would. What the two share is the edge: the request id and hooks (edge/edge-request.ts),
 * the body reader and its limit, the JSON parser, the validator, the error envelope and the request line, so
 * clients cannot tell the two apart (a test compares them).
 */
export function createFastVerify(deps: FastVerifyDeps) {
  const { lk, log, edge, validateBody } = deps;
  const config = lk.ctx.config;

  function send(request: EdgeRequest, res: ServerResponse, status: number, payload: unknown, headers?: Record<string, string>): void {
    const body = JSON.stringify(payload);
    const own = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-request-id': request.id,
    };
    res.writeHead(status, headers ? { ...headers, ...own } : own);
    res.end(body);
    edge.finish(request, status);
  }

  function sendError(request: EdgeRequest, res: ServerResponse, error: unknown): void {
    const appError = translateError(error);
    if (appError.status >= 500) log.error({ reqId: request.id, err: error }, 'request failed');
    const envelope = errorEnvelope(appError, request.id);
    send(request, res, envelope.status, envelope.body, envelope.headers);
  }

  /** Serves the request, or calls `fallback` without having touched it. */
  async function handle(request: EdgeRequest, req: IncomingMessage, res: ServerResponse, fallback: () => void): Promise<void> {
    if (req.method !== 'POST' || req.url !== PATH || config.trustProxy !== false) return fallback();
    if (!isJsonMediaType(req.headers['content-type'])) return fallback();
    const presented = credentialFromHeaders(req.headers, config.extraAuthHeader);
    if (presented.kind !== 'token') return fallback();
    let principal: Principal;
    try {
      // Synchronous when the caller's key is cached, as it is for every caller after its first request.
      principal = lk.authenticator.fromKnownKey(presented.value, request.ip ?? null) ?? (await lk.authenticator.fromKey(presented.value, request.ip ?? null, false));
    } catch (error) {
      // Fastify would only ask storage again and wait a second timeout for the same 503; answer it here.
      if (isStorageUnavailable(error)) return sendError(request, res, error);
      return fallback();
    }
    if (!principalCan(principal, VERIFY_PERMISSION)) return fallback();
    lk.authenticator.recordUse(principal.keyId!, principal.orgId);
    request.credential = credentialRef(principal);
    request.route = PATH;

    try {
      const body = parseJsonBody((await readBody(req, req.headers)).toString('utf8'));
      if (body === undefined) throw emptyBodyError();
      if (!validateBody(body)) throw Object.assign(new Error('invalid body'), { validation: validateBody.errors ?? [], validationContext: 'body' });
      // Synchronous when the verified key is cached and spends nothing that storage holds.
      const answer = verifyRequest(lk, principal, body as never);
      send(request, res, 200, answer instanceof Promise ? await answer : answer);
    } catch (error) {
      sendError(request, res, error);
    }
  }

  return { handle };
}
