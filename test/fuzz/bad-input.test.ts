import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FC_SEED } from '../helpers/fc-seed.js';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';
import { changesBetween, snapshotDatabase, unexpectedChanges } from './database-snapshot.js';
import { edgeRequest, type HostileRequest, hostileRequest, plausibleRequest } from './hostile-requests.js';
import { routesOf } from './openapi-routes.js';

/**
 * Thousands of malformed requests, generated for every route the OpenAPI document lists at the time of the
 * run: none may be answered with a 5xx, every 4xx has the standard error body, a request that is invalid by
 * construction gets a 4xx, and the database is byte-for-byte what it was. A tenth are aimed at the edges between
 * the API and the databases (NULs in path parameters, hostile cursor positions, unreadable timestamps). A fifth
 * of the requests to routes with bodies are instead plausible (schema-shaped, awkward values): those may succeed, and the snapshot then
 * moves on, but a refused one must leave no trace. The seed is the suite's fixed, printed one (test/helpers/fc-seed.ts); LATCHKEY_FC_SEED runs another, LATCHKEY_FUZZ_RUNS sizes it. CI runs it on SQLite and PostgreSQL alike.
 */
const SEED = FC_SEED;
const RUNS: Record<string, number> = {
  sqlite: Number(process.env.LATCHKEY_FUZZ_RUNS ?? 4000),
  postgres: Number(process.env.LATCHKEY_FUZZ_RUNS ?? 2000),
};

function describeRequest(r: HostileRequest, res: LightMyRequestResponse): string {
  const payload = r.payload === undefined ? '' : ` payload(${r.payload.length}): ${JSON.stringify(r.payload.slice(0, 300))}`;
  return `${r.method} ${r.url.slice(0, 300)} [${r.why.join('; ').slice(0, 400)}]${payload} -> ${res.statusCode} ${res.body.slice(0, 300)} (replay with LATCHKEY_FC_SEED=${SEED})`;
}

/**
 * The OAuth area answers in OAuth's own format (RFC 6749 §5.2), and its authorization endpoint with HTML pages for
 * a person; every other route in the standard envelope.
 */
function checkOAuthAnswer(r: HostileRequest, res: LightMyRequestResponse): void {
  if (r.url.startsWith('/oauth/authorize')) {
    assert.ok(res.statusCode === 303 || String(res.headers['content-type']).startsWith('text/html'), `authorize answered neither a page nor a redirect: ${describeRequest(r, res)}`);
    return;
  }
  const body = res.json() as Record<string, unknown>;
  assert.ok(Object.keys(body).every((k) => k === 'error' || k === 'error_description'), `OAuth error body has other keys: ${describeRequest(r, res)}`);
  assert.match(String(body.error), /^[a-z_]+$/, describeRequest(r, res));
  assert.equal(res.headers['cache-control'], 'no-store', describeRequest(r, res));
}

function checkAnswer(r: HostileRequest, res: LightMyRequestResponse): void {
  assert.ok(res.statusCode < 500, `5xx for ${describeRequest(r, res)}`);
  if (r.mustFail) assert.ok(res.statusCode >= 400 || (r.url.startsWith('/oauth/authorize') && res.statusCode === 200), `invalid request accepted: ${describeRequest(r, res)}`);
  if (res.statusCode < 400) return;
  if (r.url.startsWith('/oauth/')) return checkOAuthAnswer(r, res);
  let body: unknown;
  try {
    body = res.json();
  } catch {
    assert.fail(`error body is not JSON: ${describeRequest(r, res)}`);
  }
  const error = (body as { error?: Record<string, unknown> }).error;
  assert.deepEqual(Object.keys(body as object), ['error'], `error body has other keys: ${describeRequest(r, res)}`);
  assert.ok(error, `no error object: ${describeRequest(r, res)}`);
  assert.deepEqual(Object.keys(error).sort(), ['code', 'details', 'message', 'requestId'], `error keys: ${describeRequest(r, res)}`);
  assert.equal(typeof error.code, 'string', describeRequest(r, res));
  assert.match(error.code as string, /^[A-Z_]+$/, describeRequest(r, res));
  assert.equal(typeof error.message, 'string', describeRequest(r, res));
  assert.ok(typeof error.details === 'object' && error.details !== null && !Array.isArray(error.details), `details: ${describeRequest(r, res)}`);
  assert.equal(error.requestId, res.headers['x-request-id'], `requestId: ${describeRequest(r, res)}`);
}

describe('the fuzz suite', () => {
  it('runs on PostgreSQL whenever the run requires it (as CI does), not on SQLite alone', () => {
    console.log(`fuzz seed ${SEED} (LATCHKEY_FC_SEED overrides); databases: ${TEST_DATABASES.join(', ')}`);
    if (process.env.LATCHKEY_TEST_REQUIRE_POSTGRES === '1') assert.ok(TEST_DATABASES.includes('postgres'), 'PostgreSQL is required but not covered');
    assert.ok(TEST_DATABASES.length > 0);
  });
});

for (const database of TEST_DATABASES) {
  describe(`${database}: generated bad input on every route`, () => {
    it(`answers ${RUNS[database]} malformed requests with 4xx and standard errors, and changes nothing`, async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.ready();
      const routes = routesOf(h.app.swagger());
      assert.ok(routes.length >= 10, `only ${routes.length} routes in the OpenAPI document`);
      t.diagnostic(`seed ${SEED}; ${routes.length} routes; ${RUNS[database]} requests`);

      let baseline = await snapshotDatabase(h.storage);
      const hits = new Map<string, number>();
      const counts = { mustFail: 0, plausible: 0, accepted: 0 };
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const route = routes[g(fc.nat, { max: routes.length - 1 })]!;
          const kind = g(fc.nat, { max: 9 });
          const request =
            (kind <= 1 ? plausibleRequest(g, route, h.ownerKey) : kind === 2 ? edgeRequest(g, route, h.ownerKey) : null) ?? hostileRequest(g, route, h.ownerKey);
          const res = await h.app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
          checkAnswer(request, res);
          hits.set(`${route.method} ${route.path}`, (hits.get(`${route.method} ${route.path}`) ?? 0) + 1);
          if (request.mustFail) counts.mustFail++;
          if (!request.mayChange) return;
          counts.plausible++;
          const after = await snapshotDatabase(h.storage);
          if (res.statusCode < 400) counts.accepted++;
          else assert.deepEqual(unexpectedChanges(baseline, after), {}, `a refused request left a trace: ${describeRequest(request, res)}`);
          baseline = after;
        }),
        // includeErrorInReport: the failure names the request and the answer, not only fast-check's counterexample.
        { seed: SEED, numRuns: RUNS[database], endOnFailure: true, includeErrorInReport: true },
      );

      const missed = routes.map((r) => `${r.method} ${r.path}`).filter((r) => !hits.has(r));
      assert.deepEqual(missed, [], 'routes that received no request');
      t.diagnostic(`${counts.mustFail} invalid by construction, ${counts.plausible} plausible (${counts.accepted} of them accepted)`);
      assert.deepEqual(unexpectedChanges(baseline, await snapshotDatabase(h.storage)), {}, 'invalid requests changed the database');
    });

    // Found by the generator above: free-form JSON parses fine at any depth, then overflowed the stack when the
    // service measured it. Kept as a fixed case because the generator reaches it only now and then.
    it('refuses metadata nested 10,000 deep with a 400, not a 500, and stores nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const key = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'shallow', permissions: ['latchkey:keys:read'] })).json();
      const before = await snapshotDatabase(h.storage);
      const send = (method: string, url: string, body: string) =>
        h.app.inject({ method: method as 'POST', url, headers: { authorization: `Bearer ${h.ownerKey}`, 'content-type': 'application/json' }, payload: body });
      const created = await send('POST', '/v1/keys', `{"name":"deep","permissions":["latchkey:keys:read"],"metadata":${deep}}`);
      const updated = await send('PATCH', `/v1/keys/${key.id}`, `{"metadata":${deep}}`);
      assert.deepEqual([created.statusCode, created.json().error?.code], [400, 'VALIDATION_FAILED']);
      assert.deepEqual([updated.statusCode, updated.json().error?.code], [400, 'VALIDATION_FAILED']);
      assert.deepEqual(changesBetween(before, await snapshotDatabase(h.storage)), {});
    });
  });
}
