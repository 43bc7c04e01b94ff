import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import type { EdgeRequest } from './edge-request.js';

/**
 * The request line's logger: the app's logger (same destination, level and `req` serializer) without the
 * redaction pass. Redaction walks and clones every logged object for its wildcard paths, and measured at about
 * half of this line's cost (10 of 20 µs); this line needs none, because each of its fields is built here from
 * values that cannot hold a secret: the request id (generated, or checked against REQUEST_ID_PATTERN), method,
 * the path scrubbed by the `req` serializer (logger-options.ts), the client address, status, time and
 * credential ids. Every other line keeps the redaction; test/security/secret-canary.test.ts checks them all.
 */
const lineLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

function lineLogger(log: FastifyBaseLogger): FastifyBaseLogger {
  let line = lineLoggers.get(log);
  if (!line) {
    line = log.child({}, { redact: { paths: [], censor: '[redacted]' } } as never);
    lineLoggers.set(log, line);
  }
  return line;
}

const symbols = pino.symbols as unknown as Record<string, symbol>;
const INFO = 30;

interface PinoInternals {
  lsCache: Record<number, string>;
  time: () => string;
  chindings: string;
  end: string;
  stream: { write(line: string): unknown };
  serializeReq: ((req: { method: string; url: string; ip: string | undefined }) => unknown) | undefined;
}

const composers = new WeakMap<FastifyBaseLogger, PinoInternals | null>();

/**
 * What pino itself would use to write this line, when nothing configured would change the line (a log formatter,
 * a mixin, a nested key, a stream-write hook, another message key): then the line is composed here in one string
 * instead of by pino's general object walk, which was a tenth of a verification's CPU. Null otherwise, and the
 * line goes through pino. test/api/request-log.test.ts checks that both give the same line.
 */
function internalsOf(log: FastifyBaseLogger): PinoInternals | null {
  if (composers.has(log)) return composers.get(log)!;
  const l = log as unknown as Record<symbol, unknown>;
  const formatters = l[Symbol.for('pino.formatters')] as { log?: unknown } | undefined;
  const hooks = l[Symbol.for('pino.hooks')] as { streamWrite?: unknown } | undefined;
  const lsCache = l[symbols.lsCacheSym!] as Record<number, string> | undefined;
  const stream = l[symbols.streamSym!] as PinoInternals['stream'] | undefined;
  const time = l[symbols.timeSym!] as (() => string) | undefined;
  const usable =
    typeof lsCache?.[INFO] === 'string' &&
    typeof stream?.write === 'function' &&
    typeof time === 'function' &&
    typeof l[symbols.chindingsSym!] === 'string' &&
    typeof l[symbols.endSym!] === 'string' &&
    l[symbols.messageKeySym!] === 'msg' &&
    !l[symbols.nestedKeySym!] &&
    !l[symbols.mixinSym!] &&
    !formatters?.log &&
    !hooks?.streamWrite;
  const serializers = l[Symbol.for('pino.serializers')] as Record<string, PinoInternals['serializeReq']> | undefined;
  const internals: PinoInternals | null = usable
    ? {
        lsCache: lsCache!,
        time: time!.bind(log),
        chindings: l[symbols.chindingsSym!] as string,
        end: l[symbols.endSym!] as string,
        stream: stream!,
        serializeReq: serializers?.req,
      }
    : null;
  composers.set(log, internals);
  return internals;
}

/**
 * The one request line, written when a request completes on either path: its id, method, path (and query
 * parameter names, via the `req` serializer), client address, status, time, and the credential that made the
 * call (ids only).
 */
export function writeRequestLine(log: FastifyBaseLogger, request: EdgeRequest, statusCode: number, responseTimeMs: number): void {
  const line = lineLogger(log);
  if (!(line as unknown as pino.Logger).isLevelEnabled('info')) return;
  const fast = internalsOf(line);
  const req = { method: request.method, url: request.url, ip: request.ip };
  if (fast === null) {
    line.info(
      { reqId: request.id, req, res: { statusCode }, responseTime: responseTimeMs, ...(request.credential ? { credential: request.credential } : {}) },
      'request completed',
    );
    return;
  }
  fast.stream.write(
    `${fast.lsCache[INFO]}${fast.time()}${fast.chindings},"reqId":${JSON.stringify(request.id)},"req":${JSON.stringify(fast.serializeReq ? fast.serializeReq(req) : req)}` +
      `,"res":{"statusCode":${statusCode}},"responseTime":${responseTimeMs}${request.credential ? `,"credential":${JSON.stringify(request.credential)}` : ''}` +
      `,"msg":"request completed"${fast.end}`,
  );
}
