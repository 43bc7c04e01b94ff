import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * POST /v1/keys/verify is served by a fast path in front of Fastify. A query string always routes a request
 * through Fastify, so sending each request both ways over a real socket proves the two answer identically.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: verification fast path`, () => {
    it('answers every kind of request exactly as the Fastify route does', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;

      const make = async (body: object) => (await h.call('POST', '/v1/keys', h.ownerKey, body)).json();
      const target = await make({ name: 'target', permissions: ['latchkey:keys:read'], metadata: { plan: 'pro' } });
      const revoked = await make({ name: 'revoked', permissions: ['latchkey:keys:read'] });
      await h.call('POST', `/v1/keys/${revoked.id}/revoke`, h.ownerKey);
      const noVerify = await make({ name: 'no-verify', permissions: ['latchkey:keys:read'] });

      const authenticator = h.latchkey.authenticator;
      // The fast path asks the cache first (fromKnownKey, synchronous), and storage only when the cache cannot tell.
      const fromKnownKey = authenticator.fromKnownKey.bind(authenticator);
      let fastPathResolutions = 0;
      authenticator.fromKnownKey = (secret, ip) => {
        fastPathResolutions++;
        return fromKnownKey(secret, ip);
      };

      const json = 'application/json';
      const cases: Array<{ name: string; auth?: Record<string, string>; type?: string; body: string; code?: string }> = [
        { name: 'valid', body: JSON.stringify({ key: target.secret, permissions: 'latchkey:keys:read' }) },
        { name: 'insufficient', body: JSON.stringify({ key: target.secret, permissions: 'latchkey:keys:write' }) },
        { name: 'revoked', body: JSON.stringify({ key: revoked.secret }) },
        { name: 'unknown key', body: JSON.stringify({ key: 'lk_live_nothingnothingnothingnothing000000' }) },
        { name: 'x-api-key header', auth: { 'x-api-key': h.ownerKey }, body: JSON.stringify({ key: target.secret }) },
        { name: 'malformed json', body: '{"key": ' },
        { name: 'empty body', body: '' },
        { name: 'null body', body: 'null' },
        { name: 'unknown field', body: JSON.stringify({ key: target.secret, extra: 1 }) },
        { name: 'wrong type', body: JSON.stringify({ key: 42 }) },
        { name: 'bad query', body: JSON.stringify({ key: target.secret, permissions: 'a AND (' }) },
        { name: 'too large', body: JSON.stringify({ key: target.secret, pad: 'x'.repeat(1_100_000) }) },
        { name: 'caller lacks verify', auth: { authorization: `Bearer ${noVerify.secret}` }, body: JSON.stringify({ key: target.secret }) },
        { name: 'caller invalid', auth: { authorization: 'Bearer lk_live_nothingnothingnothingnothing000000' }, body: JSON.stringify({ key: target.secret }) },
        { name: 'caller missing', auth: {}, body: JSON.stringify({ key: target.secret }) },
        { name: 'not json', type: 'text/plain', body: 'key' },
        { name: '__proto__ key', body: `{"key":"${target.secret}","__proto__":{"isAdmin":true}}`, code: 'MALFORMED_JSON' },
        { name: 'escaped __proto__ key', body: `{"key":"${target.secret}","\\u005f_proto__":{"a":1}}`, code: 'MALFORMED_JSON' },
        { name: 'constructor.prototype', body: `{"key":"${target.secret}","constructor":{"prototype":{"a":1}}}`, code: 'MALFORMED_JSON' },
        { name: 'NUL in a field', body: JSON.stringify({ key: target.secret, projectId: 'a\u0000b' }), code: 'VALIDATION_FAILED' },
        { name: 'lone surrogate in a field', body: `{"key":"${target.secret}","permissions":"\\ud800"}`, code: 'VALIDATION_FAILED' },
        { name: 'empty body is MALFORMED_JSON on both', body: '', code: 'MALFORMED_JSON' },
        { name: 'latin-1 JSON', type: 'application/json; charset=latin1', body: JSON.stringify({ key: target.secret }), code: 'UNSUPPORTED_MEDIA_TYPE' },
        { name: 'json with utf-8 charset', type: 'application/json; charset="UTF-8"', body: JSON.stringify({ key: target.secret }) },
      ];
      for (const c of cases) {
        const answers = [];
        for (const path of ['/v1/keys/verify', '/v1/keys/verify?via=fastify']) {
          const res = await fetch(base + path, {
            method: 'POST',
            headers: { 'content-type': c.type ?? json, ...(c.auth ?? { authorization: `Bearer ${h.ownerKey}` }) },
            body: c.body,
          });
          const text = await res.text();
          const body = text ? JSON.parse(text) : null;
          if (body?.error) {
            assert.equal(body.error.requestId, res.headers.get('x-request-id'), `${c.name}: request id`);
            body.error.requestId = '(id)';
          }
          answers.push({ status: res.status, body, cacheControl: res.headers.get('cache-control'), challenge: res.headers.get('www-authenticate') });
        }
        assert.deepEqual(answers[0], answers[1], c.name);
        if (c.code) assert.equal(answers[0]!.body?.error?.code, c.code, c.name);
      }
      // A body over the limit with no declared length is refused with 413 on both paths, not a dropped connection.
      const oversized = JSON.stringify({ key: target.secret, pad: 'x'.repeat(1_100_000) });
      const chunked = [];
      for (const path of ['/v1/keys/verify', '/v1/keys/verify?via=fastify']) {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(oversized));
            controller.close();
          },
        });
        const res = await fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': json, authorization: `Bearer ${h.ownerKey}` },
          body: stream,
          duplex: 'half',
        } as RequestInit);
        chunked.push([res.status, ((await res.json()) as { error: { code: string } }).error.code]);
      }
      assert.deepEqual(chunked, [
        [413, 'PAYLOAD_TOO_LARGE'],
        [413, 'PAYLOAD_TOO_LARGE'],
      ]);

      // Every case with a header credential and a JSON content type was first offered to the fast path.
      assert.equal(fastPathResolutions, cases.filter((c) => (c.type === undefined || /utf-8/i.test(c.type)) && !(c.auth && Object.keys(c.auth).length === 0)).length + 1);
      const usage = await h.storage.repos.usage.series(h.orgId, target.id, 0);
      assert.equal(usage.length, 0, 'usage reaches storage only when flushed');
      await h.latchkey.ctx.usage.flush();
      const counts = Object.fromEntries((await h.storage.repos.usage.series(h.orgId, target.id, 0)).map((p) => [p.code, p.count]));
      // valid, x-api-key and the UTF-8 charset case, each both ways.
      assert.deepEqual(counts, { VALID: 6, INSUFFICIENT_PERMISSIONS: 2 });
    });
  });
}
