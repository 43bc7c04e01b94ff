import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '../../domain/principal.js';
import type { EdgeHooks } from './edge-hooks.js';
import { chooseRequestId } from './request-id.js';
import { writeRequestLine } from './request-log.js';

/** The credential a request line names: ids only, never a secret. */
export interface CredentialRef {
  kind: Principal['kind'];
  keyId?: string;
  userId?: string;
}

/** What the edge knows about one request, whichever path serves it. */
export interface EdgeRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  /** The client address; Fastify replaces it with its proxy-aware one. */
  ip: string | undefined;
  readonly startedAt: bigint;
  /** Set once the caller is authenticated. */
  credential: CredentialRef | null;
  /** The route pattern that served it (`/v1/keys/:id`), never the URL; null when no route matched. */
  route: string | null;
}

const STATE = Symbol('latchkey.edgeRequest');
type Tagged = IncomingMessage & { [STATE]?: EdgeRequest };

export function credentialRef(principal: Principal): CredentialRef {
  // Assigned, not spread: an object literal with spreads takes V8's slow path on every request.
  const ref: CredentialRef = { kind: principal.kind };
  if (principal.keyId) ref.keyId = principal.keyId;
  if (principal.userId) ref.userId = principal.userId;
  return ref;
}

export interface Edge {
  hooks: EdgeHooks;
  /** Starts a request (once: later calls return the same state) and runs the hooks' onRequest. */
  begin(req: IncomingMessage, ip?: string): EdgeRequest;
  /** Ends it: the request line and the hooks' onResponse, from the one place both paths call. */
  finish(request: EdgeRequest, statusCode: number): void;
}

/**
 * The start and end of every request. Real traffic begins in the node:http handler, before the fast path or
 * Fastify sees it; requests injected into Fastify (tests) begin when Fastify asks for their id.
 */
export function createEdge(o: { hooks: EdgeHooks; nextRequestId: () => string; log: () => FastifyBaseLogger }): Edge {
  const { hooks, nextRequestId, log } = o;
  return {
    hooks,
    begin(req, ip) {
      const tagged = req as Tagged;
      const existing = tagged[STATE];
      if (existing) return existing;
      const request: EdgeRequest = {
        id: chooseRequestId(req.headers['x-request-id'], nextRequestId),
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        ip: ip ?? req.socket?.remoteAddress,
        startedAt: process.hrtime.bigint(),
        credential: null,
        route: null,
      };
      tagged[STATE] = request;
      hooks.started(request);
      return request;
    },
    finish(request, statusCode) {
      const durationMs = Number(process.hrtime.bigint() - request.startedAt) / 1e6;
      writeRequestLine(log(), request, statusCode, durationMs);
      hooks.finished(request, statusCode, durationMs);
    },
  };
}
