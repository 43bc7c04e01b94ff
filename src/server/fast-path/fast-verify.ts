import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../domain/app-error.js';
import { type Principal, principalCan } from '../../domain/principal.js';
import type { Latchkey } from '../../services/create-latchkey.js';
import { isStorageUnavailable } from '../../domain/storage-unavailable.js';
import type { App } from '../app-types.js';
import { translateError } from '../plugins/error-handler.js';
import { emptyBodyError, isJsonMediaType, parseJsonBody } from '../parse-json-body.js';
import type { Validator } from '../validator-compiler.js';
import { credentialFromHeaders } from '../plugins/extract-credential.js';
import { VERIFY_PERMISSION } from '../../domain/verify-permission.js';
import { verifyRequest } from '../verify-request.js';

const PATH = '/v1/keys/verify';
const BODY_LIMIT = 1_048_576;

export interface FastVerifyDeps {
  lk: Latchkey;
  app: App;
  validateBody: Validator;
  nextRequestId: () => string;
}

/**
 * Verification is the call every protected API makes on every request, and Fastify's general pipeline costs
 * several times the verification itself. This path serves the plain case straight from node:http: a POST with a
 * JSON body and a header credential that holds the verify permission. Everything else — sessions, missing or
 * failing credentials, query strings, trusted proxies — is handed untouched to Fastify, which answers it
 * exactly as any route would. Once this path owns a request it answers errors through the same translateError,
 * so clients cannot tell the two apart (a test compares them).
 */
export function createFastVerify(deps: FastVerifyDeps) {
  const { lk, app, validateBody, nextRequestId } = deps;
  const config = lk.ctx.config;

  function send(req: IncomingMessage, res: ServerResponse, id: string, started: bigint, status: number, payload: unknown, headers?: Record<string, string>): void {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-request-id': id,
    });
    res.end(body);
    app.log.info(
      { reqId: id, req: { method: req.method, url: req.url, ip: req.socket.remoteAddress }, res: { statusCode: status }, responseTime: Number(process.hrtime.bigint() - started) / 1e6 },
      'request completed',
    );
  }

  function sendError(req: IncomingMessage, res: ServerResponse, id: string, started: bigint, error: unknown): void {
    const appError = translateError(error);
    if (appError.status >= 500) app.log.error({ reqId: id, err: error }, 'request failed');
    send(req, res, id, started, appError.status, { error: { code: appError.code, message: appError.message, details: appError.details ?? {}, requestId: id } }, appError.headers);
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > BODY_LIMIT) {
        reject(new AppError('PAYLOAD_TOO_LARGE'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the limit the listeners are detached and the 413 is sent, as Fastify does; destroying the request
      // would reset the connection before the client could read the answer.
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > BODY_LIMIT) {
          req.removeListener('data', onData);
          req.removeListener('end', onEnd);
          reject(new AppError('PAYLOAD_TOO_LARGE'));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', reject);
    });
  }

  /** Serves the request, or calls `fallback` without having touched it. */
  async function handle(req: IncomingMessage, res: ServerResponse, fallback: () => void): Promise<void> {
    if (req.method !== 'POST' || req.url !== PATH || config.trustProxy !== false) return fallback();
    if (!isJsonMediaType(req.headers['content-type'])) return fallback();
    const presented = credentialFromHeaders(req.headers, config.extraAuthHeader);
    if (presented.kind !== 'token') return fallback();
    const secret = presented.value;
    const started = process.hrtime.bigint();
    let principal: Principal;
    try {
      principal = await lk.authenticator.fromKey(secret, req.socket.remoteAddress ?? null, false);
    } catch (error) {
      // Fastify would only ask storage again and wait a second timeout for the same 503; answer it here.
      if (isStorageUnavailable(error)) return sendError(req, res, nextRequestId(), started, error);
      return fallback();
    }
    if (!principalCan(principal, VERIFY_PERMISSION)) return fallback();
    lk.authenticator.recordUse(principal.keyId!, principal.orgId);

    const id = nextRequestId();
    try {
      const body = parseJsonBody(await readBody(req));
      if (body === undefined) throw emptyBodyError();
      if (!validateBody(body)) throw Object.assign(new Error('invalid body'), { validation: validateBody.errors ?? [], validationContext: 'body' });
      send(req, res, id, started, 200, await verifyRequest(lk, principal, body as never));
    } catch (error) {
      sendError(req, res, id, started, error);
    }
  }

  return { handle };
}
