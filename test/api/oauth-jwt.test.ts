import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { loadConfig } from '../../src/config/load-config.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { addMember, signIn } from '../helpers/org-fixtures.js';
import { authorizationCode, basic, consent, formPost, listen, REDIRECT_URI, registerApp } from '../helpers/oauth-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TestClock } from '../helpers/test-clock.js';
import { createTestStorage, POSTGRES_URL, TEST_DATABASES } from '../helpers/test-databases.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const DAY = 86_400_000;

/** A JWT access token from the authorization-code flow for the owner (form POSTs, no third-party client). */
async function jwtToken(h: TestApp, clientId: string, clientSecret: string, scope = 'latchkey:projects:read'): Promise<{ access_token: string; refresh_token: string }> {
  const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
  const { code, verifier } = await authorizationCode(h, session, clientId, { scope });
  const response = await formPost(h, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { authorization: basic(clientId, clientSecret) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

async function jwks(h: TestApp): Promise<Array<{ kid: string }>> {
  const response = await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().keys;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: RFC 9068 JWT access tokens`, () => {
    it('a JWT from the full flow (oauth4webapi) verifies with jose against the JWKS, and works as a Latchkey credential', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const base = await listen(h);
      const registered = await registerApp(h, { accessTokenFormat: 'jwt' });
      const shown = await h.call('GET', `/v1/oauth/applications/${registered.id}`, h.ownerKey);
      assert.equal(shown.json().accessTokenFormat, 'jwt');

      const issuer = new URL(base);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
      assert.equal(as.jwks_uri, `${base}/.well-known/jwks.json`);
      const client: oauth.Client = { client_id: registered.clientId };
      const auth = oauth.ClientSecretBasic(registered.clientSecret!);
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      for (const [k, v] of Object.entries({ client_id: client.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'latchkey:projects:read latchkey:members:read', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
        url.searchParams.set(k, v);
      }
      const { location } = await consent(h, session, url.href);
      const callback = oauth.validateAuthResponse(as, client, new URL(location), state);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT_URI, verifier, insecure));
      assert.equal(tokens.expires_in, 3600);

      // A resource server: the metadata's jwks_uri, jose's remote key set, no call to Latchkey per token.
      const keySet = createRemoteJWKSet(new URL(as.jwks_uri!));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, keySet, { issuer: base, audience: base, typ: 'at+jwt', algorithms: ['ES256'], currentDate: new Date(h.clock.now()) });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, h.ownerUserId);
      assert.equal(payload.client_id, registered.clientId);
      assert.equal(payload.scope, 'latchkey:projects:read latchkey:members:read');
      assert.equal(payload.exp! - payload.iat!, 3600);
      assert.equal(payload.iat, Math.floor(h.clock.now() / 1000));
      assert.match(String(payload.jti), /^key_/);

      // Stored: the token row by digest (never the JWT), the signing key's private half encrypted.
      const row = await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(tokens.access_token));
      assert.equal(row?.key.id, payload.jti);
      assert.equal(row?.key.expiresAt, payload.exp! * 1000);
      assert.equal(row?.key.start, 'at+jwt');
      const [signing] = await h.storage.repos.signingKeys.published(0);
      assert.equal(signing!.kid, protectedHeader.kid);
      assert.match(signing!.encryptedPrivateJwk, /^v1\./);
      assert.doesNotMatch(signing!.encryptedPrivateJwk, /"d"/);
      assert.equal('d' in JSON.parse(signing!.publicJwk), false);

      // Latchkey's own API and the verify endpoint accept it, bounded like any OAuth token.
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      assert.equal((await fetch(`${base}/v1/projects`, { headers: bearer })).status, 200);
      assert.equal((await fetch(`${base}/v1/keys`, { headers: bearer })).status, 403);
      const verify = async (key: string, permissions: string) => {
        const answer = await fetch(`${base}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${h.ownerKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ key, permissions }) });
        const text = await answer.text();
        return { body: text, json: () => JSON.parse(text) };
      };
      const verified = await verify(tokens.access_token, 'latchkey:projects:read');
      assert.equal(verified.json().valid, true, verified.body);
      assert.equal(verified.json().keyId, payload.jti);
      assert.equal((await verify(tokens.access_token, 'latchkey:keys:read')).json().code, 'INSUFFICIENT_PERMISSIONS');
      const live = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure));
      assert.equal(live.active, true);
      assert.equal(live.sub, h.ownerUserId);

      // A forged JWT (our header, another key) and a tampered one are clean 401s and NOT_FOUND, never 5xx.
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...payload }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: protectedHeader.kid! }).sign(privateKey);
      const [head, body] = tokens.access_token.split('.');
      const tampered = `${head}.${body}x.${tokens.access_token.split('.')[2]}`;
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${body}.x`;
      for (const bad of [forged, tampered, unsigned, `${head}.e30.AAAA`]) {
        const answer = await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${bad}` } });
        assert.equal(answer.status, 401, bad);
        assert.equal(((await answer.json()) as any).error.code, 'AUTH_INVALID');
        assert.equal((await verify(bad, 'latchkey:projects:read')).json().code, 'NOT_FOUND');
      }

      // In a URL it is refused like any token (and cut from the request line, test/security/secret-canary).
      const inPath = await h.call('GET', `/v1/projects/${tokens.access_token}`, h.ownerKey);
      assert.equal(inPath.statusCode, 400, inPath.body);
      assert.equal(inPath.json().error.code, 'CREDENTIAL_IN_QUERY');

      // Revocation ends it for Latchkey at once; offline verification cannot know (docs/oauth.md's trade-off).
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure));
      assert.equal((await fetch(`${base}/v1/projects`, { headers: bearer })).status, 401);
      assert.equal((await verify(tokens.access_token, 'latchkey:projects:read')).json().code, 'REVOKED');
      await jwtVerify(tokens.access_token, keySet, { issuer: base, audience: base, currentDate: new Date(h.clock.now()) });

      // Expired: Latchkey says so (401 AUTH_EXPIRED), not a 500 and not "unknown".
      const second = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure));
      assert.equal(decodeProtectedHeader(second.access_token).typ, 'at+jwt');
      h.clock.advance(3_601_000);
      const expired = await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${second.access_token}` } });
      assert.equal(expired.status, 401);
      assert.equal(((await expired.json()) as any).error.code, 'AUTH_EXPIRED');

      // Switching the application back to opaque: the next tokens are Latchkey tokens again.
      const patched = await h.call('PATCH', `/v1/oauth/applications/${registered.id}`, h.ownerKey, { accessTokenFormat: 'opaque' });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().accessTokenFormat, 'opaque');
      const opaque = await jwtToken(h, registered.clientId, registered.clientSecret!);
      assert.match(opaque.access_token, /^lk_oauth_/);
    });

    it('LATCHKEY_OAUTH_JWT_AUDIENCE names the audience; a bad accessTokenFormat is 400 and stores nothing', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_OAUTH_JWT_AUDIENCE: 'https://api.acme.test', LATCHKEY_OAUTH_ISSUER: 'https://auth.acme.test' } });
      t.after(() => h.close());
      const bad = await h.call('POST', '/v1/oauth/applications', h.ownerKey, { name: 'x', redirectUris: [REDIRECT_URI], scopes: ['latchkey:projects:read'], accessTokenFormat: 'jws' });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
      assert.equal((await h.call('GET', '/v1/oauth/applications', h.ownerKey)).json().total, 0);
      const registered = await registerApp(h, { accessTokenFormat: 'jwt' });
      const token = (await jwtToken(h, registered.clientId, registered.clientSecret!)).access_token;
      const keys = await jwks(h);
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys as never }), { issuer: 'https://auth.acme.test', audience: 'https://api.acme.test', currentDate: new Date(h.clock.now()) });
      assert.equal(payload.aud, 'https://api.acme.test');
    });

    it('a JWT that would be longer than any endpoint accepts is not issued: invalid_scope, and nothing stored', async (t) => {
      // A 2,000-character audience and 16 long scopes: the token would pass the 4,096-character bound.
      const h = await createTestApp(database, { env: { LATCHKEY_OAUTH_JWT_AUDIENCE: `https://api.acme.test/${'a'.repeat(1970)}` } });
      t.after(() => h.close());
      const names = Array.from({ length: 16 }, (_, i) => `reports:${'x'.repeat(100)}${String(i).padStart(2, '0')}:read`);
      for (const name of names) assert.equal((await h.call('POST', '/v1/permissions', h.ownerKey, { name, description: 'A long permission.' })).statusCode, 201);
      const registered = await registerApp(h, { accessTokenFormat: 'jwt', scopes: names });
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const { code, verifier } = await authorizationCode(h, session, registered.clientId, { scope: names.join(' ') });
      const response = await formPost(h, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { authorization: basic(registered.clientId, registered.clientSecret!) });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().error, 'invalid_scope');
      assert.match(response.json().error_description, /4096/);
      const tokens = await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'oauth_token', now: h.clock.now(), limit: 100 } as never);
      assert.deepEqual(tokens, [], 'no access token row was stored');
    });

    it('rotation: a forced rotation signs new tokens with a new kid while the old kid stays published until its tokens expire', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS: '30' } });
      t.after(() => h.close());
      const registered = await registerApp(h, { accessTokenFormat: 'jwt' });
      const first = (await jwtToken(h, registered.clientId, registered.clientSecret!)).access_token;
      const oldKid = decodeProtectedHeader(first).kid!;
      const newKid = await h.latchkey.signingKeys.rotate(true);
      assert.notEqual(newKid, oldKid);
      assert.deepEqual((await jwks(h)).map((k) => k.kid).sort(), [oldKid, newKid].sort(), 'both published');
      const second = (await jwtToken(h, registered.clientId, registered.clientSecret!)).access_token;
      assert.equal(decodeProtectedHeader(second).kid, newKid);
      const set = createLocalJWKSet({ keys: (await jwks(h)) as never });
      for (const token of [first, second]) await jwtVerify(token, set, { currentDate: new Date(h.clock.now()) });
      // Latchkey still accepts the token signed with the retired key while it lives.
      assert.equal((await h.call('GET', '/v1/projects', first)).statusCode, 200);

      // Past the old key's last token (one hour plus the skew allowance) it leaves the set at the next rotation.
      h.clock.advance(31 * DAY);
      const third = (await jwtToken(h, registered.clientId, registered.clientSecret!)).access_token;
      const agedKid = decodeProtectedHeader(third).kid!;
      assert.notEqual(agedKid, newKid, 'a key older than LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS is replaced at the next issuance');
      const published = (await jwks(h)).map((k) => k.kid);
      assert.ok(published.includes(agedKid) && published.includes(newKid), 'the key retired just now is still published');
      assert.ok(!published.includes(oldKid), 'a key whose tokens have all expired is no longer published');
      const stored = await h.storage.repos.signingKeys.published(0);
      assert.equal(stored.filter((k) => k.retiredAt === null).length, 1, 'exactly one key signs');
    });

    it('20 concurrent refreshes of one refresh token: exactly one succeeds, the rest are invalid_grant, and the reuse revokes the grant', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const registered = await registerApp(h);
      const first = await jwtToken(h, registered.clientId, registered.clientSecret!);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, { authorization: basic(registered.clientId, registered.clientSecret!) })),
      );
      const won = answers.filter((a) => a.statusCode === 200);
      const lost = answers.filter((a) => a.statusCode !== 200);
      assert.equal(won.length, 1, answers.map((a) => `${a.statusCode} ${a.body}`).join('\n'));
      for (const answer of lost) {
        assert.equal(answer.statusCode, 400, answer.body);
        assert.equal(answer.json().error, 'invalid_grant');
      }
      // Storage: the grant is revoked, every refresh token of it is dead, and every access token too (the winner's).
      const refresh = await h.storage.repos.oauth.findRefreshToken(h.latchkey.ctx.digest(first.refresh_token));
      assert.ok(refresh?.rotatedAt !== null, 'the presented token was rotated once');
      const grant = await h.storage.repos.oauth.findGrant(h.orgId, refresh!.grantId);
      assert.notEqual(grant?.revokedAt, null, 'the grant is revoked');
      const winner = won[0]!.json();
      const newRefresh = await h.storage.repos.oauth.findRefreshToken(h.latchkey.ctx.digest(winner.refresh_token));
      assert.ok(newRefresh!.revokedAt !== null || grant!.revokedAt !== null);
      for (const access of [first.access_token, winner.access_token]) {
        const row = await h.storage.repos.keys.findByDigest(h.latchkey.ctx.digest(access));
        assert.notEqual(row?.key.revokedAt, null);
        assert.equal((await h.call('GET', '/v1/projects', access)).statusCode, 401);
      }
      const again = await formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: winner.refresh_token }, { authorization: basic(registered.clientId, registered.clientSecret!) });
      assert.equal(again.json().error, 'invalid_grant');
      const events = (await h.call('GET', '/v1/audit?action=oauth_refresh.reused', h.ownerKey)).json();
      assert.ok(events.items.length >= 1, JSON.stringify(events));
    });

    if (database === 'postgres') {
      it('two instances rotating at once on PostgreSQL create exactly one key', async (t) => {
        const { storage, postgresSchema, destroy } = await createTestStorage('postgres');
        const other = openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', postgresSchema: postgresSchema! });
        const clock = new TestClock();
        const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', LATCHKEY_PASSWORD_HASH_COST: '10', LATCHKEY_PEPPER: 'a shared pepper for both' });
        const a = createLatchkey(config, storage, { now: clock.now });
        const b = createLatchkey(config, other, { now: clock.now });
        t.after(async () => {
          await a.stop();
          await b.stop();
          await other.close();
          await destroy();
        });
        for (let round = 1; round <= 5; round += 1) {
          // Round 1: no key at all; later rounds: the key is due. Both instances, several callers each.
          const kids = await Promise.all([...Array.from({ length: 4 }, () => a.signingKeys.rotate(false)), ...Array.from({ length: 4 }, () => b.signingKeys.rotate(false))]);
          const all = await storage.repos.signingKeys.published(-1);
          const live = all.filter((k) => k.retiredAt === null);
          assert.equal(live.length, 1, `round ${round}: one signing key`);
          assert.equal(new Set(kids).size, 1, `round ${round}: every caller signs with the one key`);
          assert.equal(kids[0], live[0]!.kid);
          assert.equal(Math.max(...all.map((k) => k.generation)), round, `round ${round}: one generation added`);
          clock.advance(31 * DAY);
        }
      });
    }

    it('client credentials with a JWT application are refused as before, and a per-user credential stays opaque', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const userId = await addMember(h, 'mia@acme.test', 'member');
      const created = (await h.call('POST', '/v1/oauth/clients', h.ownerKey, { userId })).json();
      const token = (await formPost(h, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(created.client.clientId, created.clientSecret) })).json();
      assert.match(token.access_token, /^lk_oauth_/);
      const registered = await registerApp(h, { accessTokenFormat: 'jwt' });
      const refused = await formPost(h, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(registered.clientId, registered.clientSecret!) });
      assert.equal(refused.json().error, 'unauthorized_client');
    });
  });
}
