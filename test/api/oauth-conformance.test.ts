import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signIn } from '../helpers/org-fixtures.js';
import { authorizationCode, basic, consentFields, formPost, pkcePair, REDIRECT_URI, registerApp, type RegisteredApp } from '../helpers/oauth-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

// Checklist items (docs/oauth-conformance.md) whose proof elsewhere was missing or weaker than the checklist asks.

async function setup(database: (typeof TEST_DATABASES)[number]) {
  const h = await createTestApp(database);
  const app = await registerApp(h);
  const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
  return { h, app, session };
}

function exchange(h: TestApp, app: RegisteredApp, code: string, verifier: string) {
  return formPost(h, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { authorization: basic(app.clientId, app.clientSecret!) });
}

function refresh(h: TestApp, app: RegisteredApp, token: string) {
  return formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic(app.clientId, app.clientSecret!) });
}

function introspect(h: TestApp, app: RegisteredApp, token: string) {
  return formPost(h, '/oauth/introspect', { token }, { authorization: basic(app.clientId, app.clientSecret!) });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: OAuth conformance checklist (OA-05, OA-10, OA-11, OA-14, OA-16, OA-22, OA-24, OA-25, OA-26)`, () => {
    it('metadata publishes S256 only, and no implicit or password grant (OA-05, OA-09, OA-11)', async (t) => {
      const { h } = await setup(database);
      t.after(() => h.close());
      const response = await h.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
      assert.equal(response.statusCode, 200);
      const metadata = response.json();
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.ok(!metadata.grant_types_supported.includes('password'));
      assert.ok(!metadata.grant_types_supported.includes('implicit'));
    });

    it('the authorization endpoint sends no CORS headers and its redirects are 303, never 307 (OA-10)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const query = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: REDIRECT_URI, scope: 'latchkey:projects:read', state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const origin = { origin: 'https://evil.example' };
      const page = await h.app.inject({ method: 'GET', url: `/oauth/authorize?${query}`, headers: { cookie: session.cookie, ...origin } });
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['access-control-allow-origin'], undefined);
      const preflight = await h.app.inject({ method: 'OPTIONS', url: '/oauth/authorize', headers: { ...origin, 'access-control-request-method': 'POST' } });
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      const approve = await h.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', ...origin }, payload: new URLSearchParams({ ...consentFields(page.body), decision: 'approve' }).toString() });
      assert.equal(approve.statusCode, 303);
      assert.equal(approve.headers['access-control-allow-origin'], undefined);
      const error = await h.app.inject({ method: 'GET', url: `/oauth/authorize?${query}&response_type=token`.replace('response_type=code&', ''), headers: { cookie: session.cookie } });
      assert.equal(error.statusCode, 303);
    });

    it('the token response carries scope, and says so when consent narrowed it (OA-14)', async (t) => {
      const { h, app } = await setup(database);
      t.after(() => h.close());
      const { addMember } = await import('../helpers/org-fixtures.js');
      await addMember(h, 'vic@acme.test', 'viewer', 'a long enough password');
      const viewer = await signIn(h, 'vic@acme.test', 'a long enough password');
      const code = await authorizationCode(h, viewer, app.clientId, { scope: 'latchkey:projects:read latchkey:projects:write' });
      const tokens = await exchange(h, app, code.code, code.verifier);
      assert.equal(tokens.statusCode, 200, tokens.body);
      assert.equal(tokens.json().scope, 'latchkey:projects:read');
    });

    it('reusing R1 after R1 -> (A2, R2) is invalid_grant and revokes A2 and R2 (OA-16)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const code = await authorizationCode(h, session, app.clientId);
      const first = (await exchange(h, app, code.code, code.verifier)).json();
      const second = await refresh(h, app, first.refresh_token);
      assert.equal(second.statusCode, 200, second.body);
      const { access_token: a2, refresh_token: r2 } = second.json();
      assert.notEqual(r2, first.refresh_token);
      assert.equal((await introspect(h, app, a2)).json().active, true);
      const reuse = await refresh(h, app, first.refresh_token);
      assert.equal(reuse.statusCode, 400);
      assert.equal(reuse.json().error, 'invalid_grant');
      assert.deepEqual((await introspect(h, app, a2)).json(), { active: false });
      assert.deepEqual((await introspect(h, app, r2)).json(), { active: false });
      assert.equal((await refresh(h, app, r2)).json().error, 'invalid_grant');
    });

    it('revoking a refresh token ends its access tokens; a revoked token introspects as exactly {"active":false}; bad caller credentials are 401 (OA-22, OA-24)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const code = await authorizationCode(h, session, app.clientId);
      const tokens = (await exchange(h, app, code.code, code.verifier)).json();
      const revoke = await formPost(h, '/oauth/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token' }, { authorization: basic(app.clientId, app.clientSecret!) });
      assert.equal(revoke.statusCode, 200);
      const revoked = await introspect(h, app, tokens.access_token);
      assert.equal(revoked.statusCode, 200);
      assert.equal(revoked.body, '{"active":false}');
      assert.equal((await introspect(h, app, tokens.refresh_token)).body, '{"active":false}');
      assert.equal((await introspect(h, app, 'lk_oauth_unknown')).body, '{"active":false}');
      const badCaller = await formPost(h, '/oauth/introspect', { token: tokens.access_token }, { authorization: basic(app.clientId, `${app.clientSecret!.slice(0, -1)}x`) });
      assert.equal(badCaller.statusCode, 401);
      const badRevoker = await formPost(h, '/oauth/revoke', { token: tokens.access_token }, { authorization: basic(app.clientId, `${app.clientSecret!.slice(0, -1)}x`) });
      assert.equal(badRevoker.statusCode, 401);
      assert.equal(badRevoker.json().error, 'invalid_client');
      assert.match(String(badRevoker.headers['www-authenticate']), /^Basic /);
    });

    it('a protected resource answers an OAuth access token with the RFC 6750 challenge table, and never takes it from the query string (OA-25, OA-26)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const code = await authorizationCode(h, session, app.clientId);
      const tokens = (await exchange(h, app, code.code, code.verifier)).json();
      assert.equal((await h.call('GET', '/v1/projects', tokens.access_token)).statusCode, 200);

      const none = await h.call('GET', '/v1/projects', null);
      assert.equal(none.statusCode, 401);
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="latchkey"');
      const malformed = await h.call('GET', '/v1/projects', null, undefined, { authorization: `Bearer ${tokens.access_token} extra` });
      // Deliberately 401, not 400: every bad credential answers one status (docs/oauth-conformance.md, OA-25).
      assert.equal(malformed.statusCode, 401);
      assert.match(String(malformed.headers['www-authenticate']), /^Bearer realm="latchkey", error="invalid_request"$/);
      const unknown = await h.call('GET', '/v1/projects', 'lk_oauth_unknown');
      assert.equal(unknown.statusCode, 401);
      assert.match(String(unknown.headers['www-authenticate']), /^Bearer realm="latchkey", error="invalid_token"/);
      const lacking = await h.call('POST', '/v1/projects', tokens.access_token, { name: 'nope' });
      assert.equal(lacking.statusCode, 403);
      assert.match(String(lacking.headers['www-authenticate']), /^Bearer realm="latchkey", error="insufficient_scope", scope="[^"]+"$/);
      for (const challenge of [none, malformed, unknown, lacking]) {
        // RFC 6750 §3: error values use only %x20-21 / %x23-5B / %x5D-7E inside the quotes.
        for (const value of String(challenge.headers['www-authenticate']).matchAll(/="([^"]*)"/g)) assert.match(value[1]!, /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/);
      }
      await formPost(h, '/oauth/revoke', { token: tokens.access_token }, { authorization: basic(app.clientId, app.clientSecret!) });
      const revoked = await h.call('GET', '/v1/projects', tokens.access_token);
      assert.equal(revoked.statusCode, 401);
      assert.match(String(revoked.headers['www-authenticate']), /error="invalid_token"/);

      const fresh = await authorizationCode(h, session, app.clientId);
      const live = (await exchange(h, app, fresh.code, fresh.verifier)).json();
      const inQuery = await h.call('GET', `/v1/projects?access_token=${live.access_token}`, null);
      assert.equal(inQuery.statusCode, 400);
      assert.equal(inQuery.json().error.code, 'CREDENTIAL_IN_QUERY');
      assert.ok(!inQuery.body.includes(live.access_token));
    });
  });
}
