import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * Each route area is a Fastify plugin under its prefix (src/server/routes/register-routes.ts), so an area may
 * read another body type and answer errors in another format, as OAuth will (form bodies, RFC 6749 errors),
 * without changing any other area. A tiny area registered here, in the test only, proves both directions.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: route areas are encapsulated`, () => {
    it("an area's own body parser and error format stay inside it; it still inherits the app's rules", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.register(
        async (area) => {
          area.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
            done(null, Object.fromEntries(new URLSearchParams(body as string)));
          });
          area.setErrorHandler((error: Error, _request, reply) => {
            void reply.code(400).send({ error: 'invalid_request', error_description: error.message });
          });
          area.post('/token', { config: { auth: 'public' } }, async (request) => {
            const body = request.body as Record<string, string>;
            if (!body.grant_type) throw new Error('grant_type is required');
            return { grant_type: body.grant_type };
          });
        },
        { prefix: '/v1/test-oauth' },
      );
      const form = { 'content-type': 'application/x-www-form-urlencoded' };

      // Inside the area: its parser reads forms, its handler formats errors.
      const granted = await h.app.inject({ method: 'POST', url: '/v1/test-oauth/token', headers: form, payload: 'grant_type=client_credentials' });
      assert.equal(granted.statusCode, 200);
      assert.deepEqual(granted.json(), { grant_type: 'client_credentials' });
      const missing = await h.app.inject({ method: 'POST', url: '/v1/test-oauth/token', headers: form, payload: 'scope=x' });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(missing.json(), { error: 'invalid_request', error_description: 'grant_type is required' });
      // It inherits the app's JSON parser and the app's refusal of other types, answered in the area's format.
      const json = await h.app.inject({ method: 'POST', url: '/v1/test-oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"x"}' });
      assert.deepEqual([json.statusCode, json.json()], [200, { grant_type: 'x' }]);
      const text = await h.app.inject({ method: 'POST', url: '/v1/test-oauth/token', headers: { 'content-type': 'text/plain' }, payload: 'grant_type=x' });
      assert.equal(text.statusCode, 400);
      assert.equal(text.json().error, 'invalid_request');

      // Outside it: a form body is still 415 with the standard error body, and nothing is stored.
      const before = await h.call('GET', '/v1/projects', h.ownerKey);
      for (const url of ['/v1/projects', '/v1/keys', '/v1/keys/verify', '/v1/tokens', '/v1/setup']) {
        const res = await h.app.inject({ method: 'POST', url, headers: { ...form, authorization: `Bearer ${h.ownerKey}` }, payload: 'name=x&permissions=y' });
        assert.equal(res.statusCode, 415, url);
        const body = res.json();
        assert.equal(body.error.code, 'UNSUPPORTED_MEDIA_TYPE', url);
        assert.equal(body.error.requestId, res.headers['x-request-id'], url);
      }
      const after = await h.call('GET', '/v1/projects', h.ownerKey);
      assert.deepEqual(after.json(), before.json());
      assert.equal((await h.call('GET', '/v1/keys', h.ownerKey)).json().items.length, 1, 'only the owner key exists');

      // And other areas' errors keep the standard format.
      const invalid = await h.call('GET', '/v1/projects/not-an-id', h.ownerKey);
      assert.equal(invalid.statusCode, 400);
      assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
    });

    it('keeps every path where it was: each area answers under its prefix only', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.ready();
      const operations = Object.entries(h.app.swagger().paths ?? {}).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
      for (const op of operations) {
        const [method, path] = op.split(' ') as [string, string];
        if (path.startsWith('/v1/')) assert.match(path, /^\/v1\/(setup|auth|whoami|organizations|members|invitations|projects|permissions|audit|keys|tokens|token-formats|oauth)(\/|$)/, op);
        else if (path.startsWith('/oauth/')) assert.match(path, /^\/oauth\/(authorize|token|revoke|introspect)$/, op);
        else assert.ok(['/healthz', '/readyz', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json'].includes(path), op);
        assert.ok(!path.endsWith('/'), `${op}: no trailing slash`);
        assert.ok(['GET', 'POST', 'PATCH', 'DELETE'].includes(method), op);
      }
      // A prefix with a trailing slash is not a second route (areas register '' for their prefix, never '/').
      assert.equal((await h.call('GET', '/v1/whoami', h.ownerKey)).statusCode, 200);
      const slash = await h.call('GET', '/v1/whoami/', h.ownerKey);
      assert.equal(slash.statusCode, 404);
      assert.equal(slash.json().error.code, 'NOT_FOUND');
    });
  });
}
