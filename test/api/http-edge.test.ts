import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loggerOptions } from '../../src/server/logger-options.js';
import type { EdgeRequest } from '../../src/server/edge/edge-request.js';
import { createKey } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

class LogSink extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

/**
 * The one HTTP edge: the verification fast path and Fastify's routes share request ids, per-request hooks, the
 * request line and the error envelope. Each case is sent over a real socket, so the fast path really serves
 * the verification (a counter on the authenticator proves it) and Fastify the rest.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: one HTTP edge`, () => {
    it('runs registered hooks, writes one request line naming the credential, and keeps a well-formed X-Request-Id on both paths', async (t) => {
      const sink = new LogSink();
      const h = await createTestApp(database, { logger: { ...(loggerOptions('info', undefined) as object), stream: sink } });
      t.after(() => h.close());
      const target = await createKey(h, { name: 'target' });
      const owner = await h.callOverSocket('GET', '/v1/whoami', h.ownerKey);
      const ownerKeyId = owner.json().keyId ?? owner.json().key?.id;

      const authenticator = h.latchkey.authenticator;
      // Only the fast path asks the cache synchronously (fromKnownKey).
      const fromKnownKey = authenticator.fromKnownKey.bind(authenticator);
      let fastPath = 0;
      authenticator.fromKnownKey = (secret, ip) => {
        fastPath++;
        return fromKnownKey(secret, ip);
      };
      const seen: Array<{ phase: string; id: string; method: string; url: string; status?: number; credential?: unknown }> = [];
      const remove = h.app.edgeHooks.add({
        onRequest: (r: EdgeRequest) => seen.push({ phase: 'start', id: r.id, method: r.method, url: r.url }),
        onResponse: (r: EdgeRequest, status: number, ms: number) => {
          assert.ok(ms >= 0);
          seen.push({ phase: 'finish', id: r.id, method: r.method, url: r.url, status, credential: r.credential });
        },
      });

      const verified = await h.callOverSocket('POST', '/v1/keys/verify', h.ownerKey, { key: target.secret }, { 'x-request-id': 'trace-1.a:b_c-d' });
      assert.equal(verified.statusCode, 200);
      assert.equal(verified.json().valid, true);
      assert.equal(fastPath, 1, 'the verification was served by the fast path');
      assert.equal(verified.headers['x-request-id'], 'trace-1.a:b_c-d');
      const listed = await h.callOverSocket('GET', '/v1/keys', h.ownerKey, undefined, { 'x-request-id': 'trace-2' });
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.headers['x-request-id'], 'trace-2');
      assert.equal(fastPath, 1, 'the list went through Fastify');

      const credential = { kind: 'org_key', keyId: ownerKeyId };
      assert.deepEqual(seen, [
        { phase: 'start', id: 'trace-1.a:b_c-d', method: 'POST', url: '/v1/keys/verify' },
        { phase: 'finish', id: 'trace-1.a:b_c-d', method: 'POST', url: '/v1/keys/verify', status: 200, credential },
        { phase: 'start', id: 'trace-2', method: 'GET', url: '/v1/keys' },
        { phase: 'finish', id: 'trace-2', method: 'GET', url: '/v1/keys', status: 200, credential },
      ]);
      remove();
      await h.callOverSocket('GET', '/v1/keys', h.ownerKey);
      assert.equal(seen.length, 4, 'a removed hook is not called');

      // One line per request, the same fields on both paths, naming the credential by id and never its secret.
      await new Promise((resolve) => setImmediate(resolve));
      const lines = sink.lines.filter((l) => l.msg === 'request completed' && (l.reqId === 'trace-1.a:b_c-d' || l.reqId === 'trace-2'));
      assert.equal(lines.length, 2);
      for (const line of lines) {
        assert.deepEqual(Object.keys(line).filter((k) => !['level', 'time', 'pid', 'hostname', 'msg'].includes(k)).sort(), ['credential', 'req', 'reqId', 'res', 'responseTime']);
        assert.deepEqual(line.credential, credential);
        assert.equal(line.res.statusCode, 200);
        assert.equal(line.req.ip, '127.0.0.1');
      }
      assert.deepEqual(lines.map((l) => [l.req.method, l.req.path]), [['POST', '/v1/keys/verify'], ['GET', '/v1/keys']]);
      assert.ok(!sink.lines.some((l) => JSON.stringify(l).includes(h.ownerKey) || JSON.stringify(l).includes(target.secret)), 'a secret reached the log');
    });

    it('replaces an ill-formed X-Request-Id with a generated one and names it in error bodies on both paths', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const bad = ['', 'x'.repeat(129), 'has space', 'new\u00e9line', 'a"b', 'a/b'];
      for (const incoming of bad) {
        for (const path of ['/v1/keys/verify', '/v1/keys/verify?via=fastify']) {
          const response = await h.callOverSocket('POST', path, h.ownerKey, '{"key":', { 'x-request-id': incoming });
          assert.equal(response.statusCode, 400, `${path} ${incoming}`);
          const id = response.headers['x-request-id'];
          assert.match(id!, /^req_[0-9a-f]{8}[0-9a-z]{6,}$/, `${path} ${JSON.stringify(incoming)}`);
          assert.equal(response.json().error.requestId, id);
        }
      }
      const good = 'x'.repeat(128);
      for (const path of ['/v1/keys/verify', '/v1/keys/verify?via=fastify', '/v1/no-such-route']) {
        const response = await h.callOverSocket('POST', path, h.ownerKey, '{"key":', { 'x-request-id': good });
        assert.equal(response.headers['x-request-id'], good, path);
        assert.equal(response.json().error.requestId, good, path);
      }
      // inject() reaches Fastify without the node:http handler and gets the same rule.
      const injected = await h.call('GET', '/v1/keys', h.ownerKey, undefined, { 'x-request-id': 'via-inject' });
      assert.equal(injected.headers['x-request-id'], 'via-inject');
    });

    it('answers a 401 with the same envelope and Bearer challenge on both paths', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const answers = [];
      for (const path of ['/v1/keys/verify', '/v1/keys/verify?via=fastify']) {
        const response = await h.callOverSocket('POST', path, 'lk_live_nothingnothingnothingnothing000000', { key: 'x' });
        const body = response.json();
        assert.equal(body.error.requestId, response.headers['x-request-id']);
        body.error.requestId = '(id)';
        answers.push({ status: response.statusCode, challenge: response.headers['www-authenticate'], body });
      }
      assert.equal(answers[0]!.status, 401);
      assert.match(answers[0]!.challenge!, /^Bearer realm="latchkey"/);
      assert.deepEqual(answers[0], answers[1]);
    });
  });
}
