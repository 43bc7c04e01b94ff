import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { addMember, signIn } from '../helpers/org-fixtures.js';
import { consent, listen, REDIRECT_URI, registerApp } from '../helpers/oauth-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * The whole flows driven by a real third-party OAuth client, oauth4webapi, over HTTP: nothing here knows how
 * Latchkey builds its answers, so a deviation from the RFCs that client checks fails these tests.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: OAuth 2.0 with oauth4webapi`, () => {
    it('discovery, authorization code with PKCE, API call, refresh, refresh reuse revoking the grant, revocation, introspection', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const base = await listen(h);
      const registered = await registerApp(h);
      const issuer = new URL(base);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
      assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(as.response_types_supported, ['code']);
      const client: oauth.Client = { client_id: registered.clientId };
      const auth = oauth.ClientSecretPost(registered.clientSecret!);

      // The browser step, with the signed-in owner's session.
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const verifier = oauth.generateRandomCodeVerifier();
      const challenge = await oauth.calculatePKCECodeChallenge(verifier);
      const state = oauth.generateRandomState();
      const authorizeUrl = new URL(as.authorization_endpoint!);
      for (const [k, v] of Object.entries({ client_id: client.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'latchkey:projects:read latchkey:members:read', state, code_challenge: challenge, code_challenge_method: 'S256' })) {
        authorizeUrl.searchParams.set(k, v);
      }
      const { location, page } = await consent(h, session, authorizeUrl.href);
      assert.match(page, /Workflow Runner/);
      assert.match(page, /Acme/, 'the consent page names the organization');
      assert.match(page, /latchkey:projects:read<\/code>: List and read projects\./, 'and each scope in words');
      const callback = oauth.validateAuthResponse(as, client, new URL(location), state);

      const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT_URI, verifier, insecure);
      assert.equal(tokenResponse.headers.get('cache-control'), 'no-store');
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
      assert.match(tokens.access_token, /^lk_oauth_/);
      assert.match(tokens.refresh_token!, /^lk_refresh_/);
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.expires_in, 3600);
      assert.equal(tokens.scope, 'latchkey:projects:read latchkey:members:read');

      // Latchkey's own API with the access token: allowed what was granted, refused the rest.
      const projects = await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(projects.status, 200);
      const keys = await fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(keys.status, 403);
      const whoami: any = await (await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json();
      assert.equal(whoami.kind, 'oauth_token');
      // And through the verify endpoint, like any other credential.
      const verified = await fetch(`${base}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${h.ownerKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ key: tokens.access_token, permissions: 'latchkey:projects:read' }) });
      const verifiedBody: any = await verified.json();
      assert.equal(verifiedBody.valid, true, JSON.stringify(verifiedBody));

      // Refresh: a new pair; the old access token keeps working until it expires.
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure));
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal((await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })).status, 200);

      // Introspection by the client sees the live token.
      const live = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure));
      assert.equal(live.active, true);
      assert.equal(live.client_id, registered.clientId);
      assert.equal(live.sub, h.ownerUserId);

      // Reusing the rotated refresh token revokes the whole grant: the new pair dies too.
      await assert.rejects(
        async () => oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure)),
        (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
      );
      assert.equal((await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })).status, 401);
      const dead = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.refresh_token!, insecure));
      assert.deepEqual({ ...dead }, { active: false });

      // A new authorization, then RFC 7009 revocation of its refresh token ends its access token as well.
      const again = await authorize(h, session, as, client);
      const pair = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, again.callback, REDIRECT_URI, again.verifier, insecure));
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, pair.refresh_token!, insecure));
      assert.equal((await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${pair.access_token}` } })).status, 401);
      const revoked = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, pair.access_token, insecure));
      assert.deepEqual({ ...revoked }, { active: false });
    });

    it('client credentials for a user (seed 003): a token acting for that user under their live role', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const base = await listen(h);
      const userId = await addMember(h, 'mia@acme.test', 'admin');
      const created = await h.call('POST', '/v1/oauth/clients', h.ownerKey, { userId });
      assert.equal(created.statusCode, 201, created.body);
      const { client: credential, clientSecret } = created.json();
      assert.match(credential.clientId, /^[0-9A-F]{32}$/);
      const second = await h.call('POST', '/v1/oauth/clients', h.ownerKey, { userId });
      assert.equal(second.statusCode, 409);
      assert.equal(second.json().error.code, 'CLIENT_CREDENTIAL_EXISTS');

      const issuer = new URL(base);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
      const client: oauth.Client = { client_id: credential.clientId };
      const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(clientSecret), {}, insecure);
      const tokens = await oauth.processClientCredentialsResponse(as, client, response);
      assert.match(tokens.access_token, /^lk_oauth_/);
      assert.equal(tokens.refresh_token, undefined);
      assert.equal((await fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status, 200, 'an admin reads keys');

      // Demoted to viewer: the very next request is bounded by the new role.
      const demote = await h.call('PATCH', `/v1/members/${userId}`, h.ownerKey, { role: 'viewer' });
      assert.equal(demote.statusCode, 200, demote.body);
      const afterDemotion = await fetch(`${base}/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', permissions: [] }) });
      assert.equal(afterDemotion.status, 403);

      // Regenerating the secret stops the old one at once.
      const regenerated = await h.call('POST', `/v1/oauth/clients/${credential.id}/secret`, h.ownerKey);
      assert.equal(regenerated.statusCode, 200, regenerated.body);
      await assert.rejects(
        async () => oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(clientSecret), {}, insecure)),
        (error: unknown) => error instanceof oauth.WWWAuthenticateChallengeError || (error instanceof oauth.ResponseBodyError && error.error === 'invalid_client'),
      );
      const fresh = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(regenerated.json().clientSecret), {}, insecure));
      assert.match(fresh.access_token, /^lk_oauth_/);

      // Deleting the credential kills its tokens.
      assert.equal((await h.call('DELETE', `/v1/oauth/clients/${credential.id}`, h.ownerKey)).statusCode, 204);
      assert.equal((await fetch(`${base}/v1/projects`, { headers: { authorization: `Bearer ${fresh.access_token}` } })).status, 401);
    });
  });
}

async function authorize(h: Parameters<typeof consent>[0], session: Parameters<typeof consent>[1], as: oauth.AuthorizationServer, client: oauth.Client) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({ client_id: client.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'latchkey:projects:read', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
    url.searchParams.set(k, v);
  }
  const { location } = await consent(h, session, url.href);
  return { verifier, callback: oauth.validateAuthResponse(as, client, new URL(location), state) };
}
