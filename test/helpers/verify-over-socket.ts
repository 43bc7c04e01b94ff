import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';

/**
 * POST /v1/keys/verify as `caller` over a real socket, asserting 200: the request takes the path production
 * traffic takes (the node:http edge and the verification fast path), not inject()'s shortcut into Fastify.
 */
export async function verifyOverSocket(h: TestApp, body: Record<string, unknown>, caller = h.ownerKey): Promise<Record<string, any>> {
  const response = await h.callOverSocket('POST', '/v1/keys/verify', caller, body);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}
