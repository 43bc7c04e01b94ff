import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/** Writes raw bytes on a fresh connection and reads until the server closes it. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.end(raw);
  });
}

/**
 * Requests node:http cannot parse never reach Fastify or the verification fast path; they still get the
 * standard body, a request id matching the header, and a closed connection. Storage is not involved, so one
 * database is enough.
 */
describe('malformed HTTP is answered with the standard error body', () => {
  it('answers a bad request line, conflicting framing and oversized headers with the standard body and X-Request-Id', async (t) => {
    const h = await createTestApp(TEST_DATABASES[0] ?? 'sqlite');
    t.after(() => h.close());
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    const auth = `Authorization: Bearer ${h.ownerKey}\r\n`;
    const cases: Array<[string, string, number, string]> = [
      ['bad request line', 'GARBAGE\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['bad version', 'GET /v1/keys HTTP/9.9\r\nHost: x\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['space in the target', 'GET /v1/ke ys HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [
        'Content-Length with Transfer-Encoding, on the fast path',
        `POST /v1/keys/verify HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
        'MALFORMED_REQUEST',
      ],
      ['two Content-Lengths', `POST /v1/keys HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'MALFORMED_REQUEST'],
      ['bad header name', 'GET /v1/keys HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['oversized headers', `GET /v1/keys HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['oversized headers on the fast path', `POST /v1/keys/verify HTTP/1.1\r\nHost: x\r\n${auth}X-Pad: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ];
    const ids = new Set<string>();
    for (const [name, raw, status, code] of cases) {
      const answer = await exchange(port, raw);
      const [head, body = ''] = answer.split('\r\n\r\n');
      const statusLine = head!.split('\r\n')[0];
      assert.match(statusLine!, new RegExp(`^HTTP/1\\.1 ${status} `), `${name}: ${answer.slice(0, 200)}`);
      const headers = Object.fromEntries(head!.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      assert.match(headers['content-type'] ?? '', /^application\/json/, name);
      assert.equal(Number(headers['content-length']), Buffer.byteLength(body), name);
      const parsed = JSON.parse(body) as { error: { code: string; message: string; details: object; requestId: string } };
      assert.deepEqual(Object.keys(parsed.error).sort(), ['code', 'details', 'message', 'requestId'], name);
      assert.equal(parsed.error.code, code, name);
      assert.deepEqual(parsed.error.details, {});
      assert.equal(parsed.error.requestId, headers['x-request-id'], name);
      assert.match(parsed.error.requestId, /^req_/);
      ids.add(parsed.error.requestId);
    }
    assert.equal(ids.size, cases.length, 'each refusal has a request id of its own');
    // The server is still serving.
    const ok = await fetch(`http://127.0.0.1:${port}/v1/keys`, { headers: { authorization: `Bearer ${h.ownerKey}` } });
    assert.equal(ok.status, 200);
  });
});
