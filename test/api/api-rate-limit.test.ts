import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createKey, verify } from '../helpers/key-fixtures.js';
import { sessionCall, signIn } from '../helpers/org-fixtures.js';
import { OWNER_EMAIL, OWNER_PASSWORD, createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const WINDOW_MS = 60_000;

function rateHeaders(res: LightMyRequestResponse) {
  return [res.headers['ratelimit-limit'], res.headers['ratelimit-remaining'], res.headers['ratelimit-reset'], res.headers['retry-after']];
}

function assertLimited(res: LightMyRequestResponse, retryAfter: string): void {
  assert.equal(res.statusCode, 429, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, 'RATE_LIMITED');
  assert.equal(typeof body.error.message, 'string');
  assert.deepEqual(body.error.details, { limit: 3, windowMs: WINDOW_MS });
  assert.equal(body.error.requestId, res.headers['x-request-id']);
  assert.deepEqual(rateHeaders(res), ['3', '0', retryAfter, retryAfter]);
}

/**
 * Every other test turns the management-API limit off (LATCHKEY_API_RATE_LIMIT=off), so this is the one place
 * it is on: a small limit, a clock moved by hand, a key and a session, and the verify route that is exempt.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: management API rate limit`, () => {
    it('refuses a key past its limit with 429 RATE_LIMITED and RateLimit headers, stores nothing, and lets verification through', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_API_RATE_LIMIT: `3/${WINDOW_MS / 1000}s` } });
      t.after(() => h.close());
      const other = await createKey(h, { name: 'other key', permissions: ['latchkey:projects:read'] });
      // Start a fresh window, 10 s into it, so Reset and Retry-After are exact.
      h.clock.advance(WINDOW_MS - (h.clock.now() % WINDOW_MS) + 10_000);

      // Verification has per-key limits of its own and never spends the caller's management budget.
      for (let i = 0; i < 5; i++) assert.equal((await verify(h, { key: other.secret })).code, 'VALID');
      for (const remaining of ['2', '1', '0']) {
        const res = await h.call('GET', '/v1/projects', h.ownerKey);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(rateHeaders(res), ['3', remaining, '50', undefined]);
      }
      assertLimited(await h.call('GET', '/v1/projects', h.ownerKey), '50');
      const refused = await h.call('POST', '/v1/projects', h.ownerKey, { name: 'Too many' });
      assertLimited(refused, '50');
      assert.deepEqual(await h.storage.repos.projects.list(h.orgId, { limit: 10 }), []);
      // Still exempt once the budget is spent.
      const verified = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: other.secret });
      assert.equal(verified.statusCode, 200, verified.body);
      assert.equal(verified.json().code, 'VALID');

      // The budget is per credential: another key is untouched.
      const others = await h.call('GET', '/v1/projects', other.secret);
      assert.equal(others.statusCode, 200, others.body);
      assert.equal(others.headers['ratelimit-remaining'], '2');

      h.clock.advance(50_000);
      const next = await h.call('POST', '/v1/projects', h.ownerKey, { name: 'Next window' });
      assert.equal(next.statusCode, 201, next.body);
      assert.deepEqual(rateHeaders(next), ['3', '2', '60', undefined]);
      assert.deepEqual((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).map((p) => p.name), ['Next window']);
    });

    it('refuses a signed-in user past the limit, across their sessions', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_API_RATE_LIMIT: `3/${WINDOW_MS / 1000}s` } });
      t.after(() => h.close());
      h.clock.advance(WINDOW_MS - (h.clock.now() % WINDOW_MS) + 30_000);
      const first = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const second = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);

      assert.equal((await sessionCall(h, first, 'GET', '/v1/whoami')).statusCode, 200);
      assert.equal((await sessionCall(h, second, 'GET', '/v1/projects')).statusCode, 200);
      const third = await sessionCall(h, first, 'POST', '/v1/projects', { name: 'Third' });
      assert.equal(third.statusCode, 201, third.body);
      assert.deepEqual(rateHeaders(third), ['3', '0', '30', undefined]);
      assertLimited(await sessionCall(h, second, 'POST', '/v1/projects', { name: 'Fourth' }), '30');
      assertLimited(await sessionCall(h, first, 'GET', '/v1/projects'), '30');
      assert.deepEqual((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).map((p) => p.name), ['Third']);
      // The owner key is a credential of its own, with its own budget.
      assert.equal((await h.call('GET', '/v1/projects', h.ownerKey)).statusCode, 200);
    });
  });
}
