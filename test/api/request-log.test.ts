import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import type { EdgeRequest } from '../../src/server/edge/edge-request.js';
import { writeRequestLine } from '../../src/server/edge/request-log.js';
import { loggerOptions } from '../../src/server/logger-options.js';

function capture(options: pino.LoggerOptions): { log: FastifyBaseLogger; lines: () => Array<Record<string, unknown>>; raw: () => string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const log = pino(options, stream) as unknown as FastifyBaseLogger;
  return { log, raw: () => raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function request(overrides: Partial<EdgeRequest> = {}): EdgeRequest {
  return { id: 'req-1', method: 'POST', url: '/v1/keys/verify', ip: '127.0.0.1', startedAt: 0n, credential: { kind: 'org_key', keyId: 'key_1' }, route: null, ...overrides };
}

/** The line composed by request-log.ts against the one pino writes for the same fields, time aside. */
function withoutTime(line: Record<string, unknown>): Record<string, unknown> {
  const { time, ...rest } = line;
  assert.equal(typeof time, 'number');
  return rest;
}

describe('the request line', () => {
  for (const [name, req] of [
    ['the verify path', request()],
    ['a path holding a token and query parameters', request({ url: `/v1/keys/${generateToken(DEFAULT_TOKEN_FORMAT, 'live')}?search=a&lk_live_x=1`, credential: null })],
    ['text that needs escaping', request({ id: 'a"b\\c', url: '/x/"quoted"\n', ip: undefined })],
  ] as const) {
    it(`is the line pino would write, for ${name}`, () => {
      const composed = capture(loggerOptions('info', undefined, DEFAULT_TOKEN_FORMAT));
      writeRequestLine(composed.log, req, 200, 0.125);
      // The same fields through pino's own writer: a mixin makes request-log.ts hand the line to pino.
      const viaPino = capture({ ...loggerOptions('info', undefined, DEFAULT_TOKEN_FORMAT), mixin: () => ({}) });
      writeRequestLine(viaPino.log, req, 200, 0.125);
      assert.equal(composed.raw().length, 1);
      assert.ok(composed.raw()[0]!.endsWith('}\n'));
      assert.deepEqual(withoutTime(composed.lines()[0]!), withoutTime(viaPino.lines()[0]!));
      assert.doesNotMatch(composed.raw()[0]!, /lk_live_[A-Za-z0-9]{20}/, 'a token in the path is cut out');
    });
  }

  it('is not written below the info level, and carries the logger\'s bindings', () => {
    const quiet = capture({ ...loggerOptions('warn', undefined), base: { pid: 1 } });
    writeRequestLine(quiet.log, request(), 200, 1);
    assert.deepEqual(quiet.raw(), []);
    const bound = capture(loggerOptions('info', undefined));
    writeRequestLine(bound.log.child({ instance: 'i-1' }), request(), 503, 2);
    assert.equal(bound.lines()[0]!.instance, 'i-1');
    assert.deepEqual(bound.lines()[0]!.res, { statusCode: 503 });
    assert.equal(bound.lines()[0]!.msg, 'request completed');
  });
});
