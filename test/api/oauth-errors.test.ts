import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signIn, type TestSession } from '../helpers/org-fixtures.js';
import { authorizationCode, basic, consentFields, formPost, pkcePair, REDIRECT_URI, registerApp, type RegisteredApp } from '../helpers/oauth-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

async function setup(database: (typeof TEST_DATABASES)[number]) {
  const h = await createTestApp(database);
  const app = await registerApp(h);
  const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
  return { h, app, session };
}

function authorizeQuery(clientId: string, overrides: Record<string, string | undefined> = {}): string {
  const base: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'latchkey:projects:read',
    state: 'a b&c=d/é',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v !== undefined) params.set(k, v);
  return `/oauth/authorize?${params}`;
}

function getAuthorize(h: TestApp, session: TestSession, url: string) {
  return h.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
}

function exchange(h: TestApp, app: RegisteredApp, code: string, verifier: string, extra: Record<string, string> = {}) {
  return formPost(h, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: app.clientId, client_secret: app.clientSecret!, ...extra });
}

function introspect(h: TestApp, app: RegisteredApp, token: string) {
  return formPost(h, '/oauth/introspect', { token }, { authorization: basic(app.clientId, app.clientSecret!) });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: OAuth error paths (RFC 6749, 7636, 7009, 7662, 9700)`, () => {
    it('authorization endpoint: an untrusted client or redirect URI gets an error page, never a redirect (OA-01, OA-02, OA-04)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const cases: Array<[string, Record<string, string | undefined>]> = [
        ['unknown client', { client_id: 'F'.repeat(32) }],
        ['no redirect_uri', { redirect_uri: undefined }],
        ['trailing slash', { redirect_uri: `${REDIRECT_URI}/` }],
        ['extra query', { redirect_uri: `${REDIRECT_URI}?x=1` }],
        ['look-alike host', { redirect_uri: 'https://app.example.evil/cb' }],
        ['other case', { redirect_uri: 'https://APP.example/cb' }],
        ['fragment', { redirect_uri: `${REDIRECT_URI}#frag` }],
        ['http', { redirect_uri: 'http://app.example/cb' }],
      ];
      for (const [name, overrides] of cases) {
        const response = await getAuthorize(h, session, authorizeQuery(app.clientId, overrides));
        assert.equal(response.statusCode, 400, name);
        assert.equal(response.headers.location, undefined, name);
        assert.match(String(response.headers['content-type']), /^text\/html/, name);
        assert.equal(response.headers['x-frame-options'], 'DENY');
      }
      // Registering a non-https, non-loopback redirect URI is refused up front.
      const bad = await h.call('POST', '/v1/oauth/applications', h.ownerKey, { name: 'x', redirectUris: ['http://app.example/cb'], scopes: ['latchkey:projects:read'] });
      assert.equal(bad.statusCode, 400);
      const loopback = await h.call('POST', '/v1/oauth/applications', h.ownerKey, { name: 'cli', redirectUris: ['http://127.0.0.1/cb'], scopes: ['latchkey:projects:read'], clientType: 'public' });
      assert.equal(loopback.statusCode, 201, loopback.body);
      // A loopback URI matches on any port (RFC 8252 §7.3), and nothing else about it may differ.
      const clientId = loopback.json().application.clientId;
      assert.equal((await getAuthorize(h, session, authorizeQuery(clientId, { redirect_uri: 'http://127.0.0.1:53123/cb' }))).statusCode, 200);
      assert.equal((await getAuthorize(h, session, authorizeQuery(clientId, { redirect_uri: 'http://127.0.0.1:53123/cb2' }))).statusCode, 400);
    });

    it('authorization endpoint: other errors redirect (303) with the RFC 6749 §4.1.2.1 code and state unchanged (OA-05, OA-06, OA-09)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const cases: Array<[Record<string, string | undefined>, string]> = [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ code_challenge_method: undefined }, 'invalid_request'],
        [{ scope: 'latchkey:keys:write' }, 'invalid_scope'],
        [{ scope: 'bad\u0001scope' }, 'invalid_scope'],
      ];
      for (const [overrides, error] of cases) {
        const response = await getAuthorize(h, session, authorizeQuery(app.clientId, overrides));
        assert.equal(response.statusCode, 303, JSON.stringify(overrides));
        const location = new URL(String(response.headers.location));
        assert.equal(location.origin + location.pathname, REDIRECT_URI);
        assert.equal(location.searchParams.get('error'), error, JSON.stringify(overrides));
        assert.equal(location.searchParams.get('state'), 'a b&c=d/é');
      }
      // Deny: access_denied with the state.
      const page = await getAuthorize(h, session, authorizeQuery(app.clientId));
      const deny = await h.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...consentFields(page.body), decision: 'deny' }).toString() });
      assert.equal(deny.statusCode, 303);
      const denied = new URL(String(deny.headers.location));
      assert.equal(denied.searchParams.get('error'), 'access_denied');
      assert.equal(denied.searchParams.get('state'), 'a b&c=d/é');
      // A forged or tampered form: refused, nothing issued.
      const fields = consentFields(page.body);
      for (const forged of [{ ...fields, csrf_token: 'x' }, { ...fields, scope: 'latchkey:projects:write' }]) {
        const answer = await h.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...forged, decision: 'approve' }).toString() });
        assert.equal(answer.statusCode, 403);
        assert.equal(answer.headers.location, undefined);
      }
      // Without a session: a sign-in page, no redirect.
      const anonymous = await h.app.inject({ method: 'GET', url: authorizeQuery(app.clientId) });
      assert.equal(anonymous.statusCode, 200);
      assert.match(anonymous.body, /Sign in to continue/);
    });

    it('token endpoint: client authentication, grant types and repeated parameters (OA-09, OA-12, OA-13)', async (t) => {
      const { h, app } = await setup(database);
      t.after(() => h.close());
      const noAuth = await formPost(h, '/oauth/token', { grant_type: 'client_credentials' });
      assert.equal(noAuth.statusCode, 401);
      assert.equal(noAuth.json().error, 'invalid_client');
      assert.match(String(noAuth.headers['www-authenticate']), /^Basic /);
      assert.equal(noAuth.headers['cache-control'], 'no-store');
      const badSecret = await formPost(h, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(app.clientId, `${app.clientSecret!.slice(0, -1)}x`) });
      assert.equal(badSecret.statusCode, 401);
      assert.match(String(badSecret.headers['www-authenticate']), /^Basic realm="latchkey"/);
      const twoMethods = await formPost(h, '/oauth/token', { grant_type: 'client_credentials', client_secret: app.clientSecret! }, { authorization: basic(app.clientId, app.clientSecret!) });
      assert.equal(twoMethods.json().error, 'invalid_request');
      const password = await formPost(h, '/oauth/token', { grant_type: 'password', username: 'a', password: 'b' }, { authorization: basic(app.clientId, app.clientSecret!) });
      assert.equal(password.statusCode, 400);
      assert.equal(password.json().error, 'unsupported_grant_type');
      const repeated = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app.clientId, app.clientSecret!) }, payload: 'grant_type=client_credentials&grant_type=authorization_code' });
      assert.equal(repeated.statusCode, 400);
      assert.equal(repeated.json().error, 'invalid_request');
      const appCredentials = await formPost(h, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(app.clientId, app.clientSecret!) });
      assert.equal(appCredentials.json().error, 'unauthorized_client', 'an application has no user to act for');
      const get = await h.app.inject({ method: 'GET', url: '/oauth/token' });
      assert.equal(get.statusCode, 404);
      const malformed = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":' });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().error, 'invalid_request');
      const nonString = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":["a"]}' });
      assert.equal(nonString.statusCode, 400);
      assert.equal(nonString.json().error, 'invalid_request');
    });

    it('codes: PKCE mismatch, missing verifier, wrong client, wrong redirect URI, expiry, and replay revoking what the code issued (OA-05, OA-07, OA-08)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const other = await registerApp(h, { name: 'Other' });

      const missing = await authorizationCode(h, session, app.clientId);
      const noVerifier = await formPost(h, '/oauth/token', { grant_type: 'authorization_code', code: missing.code, redirect_uri: REDIRECT_URI, client_id: app.clientId, client_secret: app.clientSecret! });
      assert.equal(noVerifier.json().error, 'invalid_request');

      for (const [name, attempt] of [
        ['PKCE mismatch', (c: { code: string; verifier: string }) => exchange(h, app, c.code, pkcePair().verifier)],
        ['wrong client', (c: { code: string; verifier: string }) => exchange(h, other, c.code, c.verifier)],
        ['wrong redirect URI', (c: { code: string; verifier: string }) => exchange(h, app, c.code, c.verifier, { redirect_uri: 'https://app.example/other' })],
      ] as const) {
        const code = await authorizationCode(h, session, app.clientId);
        const response = await attempt(code);
        assert.equal(response.statusCode, 400, name);
        assert.equal(response.json().error, 'invalid_grant', name);
        // The code is spent by the failed attempt: the right request cannot follow it.
        assert.equal((await exchange(h, app, code.code, code.verifier)).json().error, 'invalid_grant', name);
      }

      const late = await authorizationCode(h, session, app.clientId);
      h.clock.advance(61_000);
      assert.equal((await exchange(h, app, late.code, late.verifier)).json().error, 'invalid_grant', 'a code lives 60 s');

      // JSON body, as seed 001 shows, works the same.
      const code = await authorizationCode(h, session, app.clientId);
      const first = await h.call('POST', '/oauth/token', null, { grant_type: 'authorization_code', code: code.code, redirect_uri: REDIRECT_URI, code_verifier: code.verifier, client_id: app.clientId, client_secret: app.clientSecret });
      assert.equal(first.statusCode, 200, first.body);
      const tokens = first.json();
      assert.equal((await introspect(h, app, tokens.access_token)).json().active, true);
      const replay = await exchange(h, app, code.code, code.verifier);
      assert.equal(replay.json().error, 'invalid_grant');
      assert.deepEqual((await introspect(h, app, tokens.access_token)).json(), { active: false });
      assert.deepEqual((await introspect(h, app, tokens.refresh_token)).json(), { active: false });
      assert.equal((await h.call('GET', '/v1/projects', tokens.access_token)).statusCode, 401);
    });

    it('one code, many parallel redemptions: exactly one succeeds (OA-07)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const code = await authorizationCode(h, session, app.clientId);
      const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(h, app, code.code, code.verifier)));
      assert.equal(answers.filter((a) => a.statusCode === 200).length, 1);
      assert.ok(answers.every((a) => a.statusCode === 200 || a.json().error === 'invalid_grant'));
    });

    it('refresh: narrower scope allowed, wider refused, another client refused, an older generation revokes the grant (OA-15, OA-16, OA-17)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const other = await registerApp(h, { name: 'Other' });
      const code = await authorizationCode(h, session, app.clientId, { scope: 'latchkey:projects:read latchkey:members:read' });
      const r1 = (await exchange(h, app, code.code, code.verifier)).json();
      const refresh = (token: string, client: RegisteredApp, extra: Record<string, string> = {}) =>
        formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, ...extra }, { authorization: basic(client.clientId, client.clientSecret!) });
      const wider = await refresh(r1.refresh_token, app, { scope: 'latchkey:projects:read latchkey:projects:write' });
      assert.equal(wider.json().error, 'invalid_scope');
      const stolen = await refresh(r1.refresh_token, other);
      assert.equal(stolen.json().error, 'invalid_grant');
      const r2 = (await refresh(r1.refresh_token, app, { scope: 'latchkey:projects:read' })).json();
      assert.equal(r2.scope, 'latchkey:projects:read');
      const r3 = (await refresh(r2.refresh_token, app)).json();
      assert.ok(r3.access_token);
      // Two generations back: still reuse, the whole grant goes.
      assert.equal((await refresh(r1.refresh_token, app)).json().error, 'invalid_grant');
      assert.deepEqual((await introspect(h, app, r3.access_token)).json(), { active: false });
      assert.deepEqual((await introspect(h, app, r3.refresh_token)).json(), { active: false });
      const grants = await h.call('GET', '/v1/oauth/grants', null, undefined, { cookie: session.cookie });
      assert.deepEqual(grants.json().items, []);
    });

    it('refresh tokens have an idle and an absolute lifetime (OA-18)', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_OAUTH_REFRESH_IDLE_TTL_S: '600', LATCHKEY_OAUTH_REFRESH_TOKEN_TTL_S: '1200' } });
      t.after(() => h.close());
      const app = await registerApp(h);
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const refresh = (token: string) => formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic(app.clientId, app.clientSecret!) });
      const idle = await authorizationCode(h, session, app.clientId);
      const idleTokens = (await exchange(h, app, idle.code, idle.verifier)).json();
      h.clock.advance(601_000);
      assert.equal((await refresh(idleTokens.refresh_token)).json().error, 'invalid_grant', 'idle too long');

      const code = await authorizationCode(h, session, app.clientId);
      let token = (await exchange(h, app, code.code, code.verifier)).json().refresh_token as string;
      for (let i = 0; i < 2; i++) {
        h.clock.advance(500_000);
        const next = await refresh(token);
        assert.equal(next.statusCode, 200, next.body);
        token = next.json().refresh_token;
      }
      h.clock.advance(300_000);
      assert.equal((await refresh(token)).json().error, 'invalid_grant', 'past the absolute lifetime, however recently used');
    });

    it('revocation and introspection: no oracle, callers must authenticate, tenants do not see each other (OA-22, OA-24)', async (t) => {
      const { h, app, session } = await setup(database);
      t.after(() => h.close());
      const other = await registerApp(h, { name: 'Other' });
      const code = await authorizationCode(h, session, app.clientId);
      const tokens = (await exchange(h, app, code.code, code.verifier)).json();
      const auth = { authorization: basic(app.clientId, app.clientSecret!) };
      assert.equal((await formPost(h, '/oauth/revoke', { token: 'lk_oauth_unknown' }, auth)).statusCode, 200);
      assert.equal((await formPost(h, '/oauth/revoke', { token: tokens.access_token, token_type_hint: 'id_token' }, auth)).json().error, 'unsupported_token_type');
      // Another client revoking it: the same 200, and the token lives on.
      assert.equal((await formPost(h, '/oauth/revoke', { token: tokens.access_token }, { authorization: basic(other.clientId, other.clientSecret!) })).statusCode, 200);
      assert.equal((await introspect(h, app, tokens.access_token)).json().active, true);
      assert.deepEqual((await introspect(h, other, tokens.access_token)).json(), { active: false }, 'another client sees nothing');
      assert.equal((await formPost(h, '/oauth/introspect', { token: tokens.access_token })).statusCode, 401);
      // A Bearer credential with latchkey:keys:verify may introspect; one without it may not.
      const viaKey = await formPost(h, '/oauth/introspect', { token: tokens.access_token }, { authorization: `Bearer ${h.ownerKey}` });
      assert.equal(viaKey.json().active, true);
      const narrow = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'narrow', permissions: ['latchkey:projects:read'] })).json();
      assert.equal((await formPost(h, '/oauth/introspect', { token: tokens.access_token }, { authorization: `Bearer ${narrow.secret}` })).statusCode, 403);
      // The access token revoked by its client ends at once.
      assert.equal((await formPost(h, '/oauth/revoke', { token: tokens.access_token, token_type_hint: 'access_token' }, auth)).statusCode, 200);
      assert.equal((await h.call('GET', '/v1/projects', tokens.access_token)).statusCode, 401);
    });

    it('consent drops scopes the role lacks and says so; a member gets no more than a member may', async (t) => {
      const { h, app } = await setup(database);
      t.after(() => h.close());
      const { addMember } = await import('../helpers/org-fixtures.js');
      await addMember(h, 'vic@acme.test', 'viewer', 'a long enough password');
      const viewer = await signIn(h, 'vic@acme.test', 'a long enough password');
      const page = await getAuthorize(h, viewer, authorizeQuery(app.clientId, { scope: 'latchkey:projects:read latchkey:projects:write' }));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not granted, because your role does not hold them: <code>latchkey:projects:write<\/code>/);
      const code = await authorizationCode(h, viewer, app.clientId, { scope: 'latchkey:projects:read latchkey:projects:write' });
      const tokens = (await exchange(h, app, code.code, code.verifier)).json();
      assert.equal(tokens.scope, 'latchkey:projects:read');
      assert.equal((await h.call('POST', '/v1/projects', tokens.access_token, { name: 'nope' })).statusCode, 403);
      const only = await getAuthorize(h, viewer, authorizeQuery(app.clientId, { scope: 'latchkey:projects:write' }));
      assert.equal(new URL(String(only.headers.location)).searchParams.get('error'), 'invalid_scope');
    });
  });
}
