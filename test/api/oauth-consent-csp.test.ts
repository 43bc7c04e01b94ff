import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signIn } from '../helpers/org-fixtures.js';
import { pkcePair, REDIRECT_URI, registerApp } from '../helpers/oauth-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

function authorizeUrl(clientId: string, redirectUri: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'latchkey:projects:read',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });
  return `/oauth/authorize?${query}`;
}

function formAction(csp: unknown): string {
  const directive = String(csp)
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('form-action '));
  assert.ok(directive, String(csp));
  return directive;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: the consent page's form-action lets the browser follow the redirect back to the client`, () => {
    it("allows 'self' and the origin of this request's validated redirect URI, and nothing else", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const app = await registerApp(h, { redirectUris: [REDIRECT_URI, 'https://other.example:8443/cb', 'http://127.0.0.1/cb'] });
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const open = (redirectUri: string) => h.app.inject({ method: 'GET', url: authorizeUrl(app.clientId, redirectUri), headers: { cookie: session.cookie } });

      const first = await open(REDIRECT_URI);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(formAction(first.headers['content-security-policy']), "form-action 'self' https://app.example");
      assert.match(String(first.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(first.headers['x-frame-options'], 'DENY');

      // Per request: another registered URI of the same app names its own origin only, port included.
      const second = await open('https://other.example:8443/cb');
      assert.equal(formAction(second.headers['content-security-policy']), "form-action 'self' https://other.example:8443");

      // A loopback URI matches on any port (RFC 8252), so the port the native app chose is the one allowed.
      const loopback = await open('http://127.0.0.1:53123/cb');
      assert.equal(loopback.statusCode, 200, loopback.body);
      assert.equal(formAction(loopback.headers['content-security-policy']), "form-action 'self' http://127.0.0.1:53123");

      // An unregistered redirect URI is an error page, which allows no origin but its own.
      const refused = await open('https://evil.example/cb');
      assert.equal(refused.statusCode, 400);
      assert.equal(formAction(refused.headers['content-security-policy']), "form-action 'self'");

      // Without a session the sign-in prompt allows no outside origin either.
      const anonymous = await h.app.inject({ method: 'GET', url: authorizeUrl(app.clientId, REDIRECT_URI) });
      assert.equal(anonymous.statusCode, 200);
      assert.equal(formAction(anonymous.headers['content-security-policy']), "form-action 'self'");
    });
  });
}
