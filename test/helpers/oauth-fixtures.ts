import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { TestSession } from './org-fixtures.js';
import type { TestApp } from './test-app.js';

export const REDIRECT_URI = 'https://app.example/cb';

/** Listens on 127.0.0.1 (once) and answers the base URL, so a real HTTP client (oauth4webapi) can talk to the app. */
export async function listen(h: TestApp): Promise<string> {
  if (!h.app.server.listening) await h.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}

export interface RegisteredApp {
  id: string;
  clientId: string;
  clientSecret: string | null;
}

/** Registers an application with the owner key. */
export async function registerApp(h: TestApp, body: Record<string, unknown> = {}, secret = h.ownerKey): Promise<RegisteredApp> {
  const response = await h.call('POST', '/v1/oauth/applications', secret, {
    name: 'Workflow Runner',
    description: 'Runs workflows for you.',
    redirectUris: [REDIRECT_URI],
    scopes: ['latchkey:projects:read', 'latchkey:projects:write', 'latchkey:members:read'],
    ...body,
  });
  assert.equal(response.statusCode, 201, response.body);
  const json = response.json();
  return { id: json.application.id, clientId: json.application.clientId, clientSecret: json.clientSecret };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Reads the hidden fields of the consent form, as a browser submitting it would send them. */
export function consentFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[unescape(match[1]!)] = unescape(match[2]!);
  return fields;
}

/**
 * Opens the authorization URL with the session cookie, checks the consent page, and submits it with `decision`.
 * Returns the Location the browser would be sent to.
 */
export async function consent(h: TestApp, session: TestSession, authorizeUrl: string, decision: 'approve' | 'deny' = 'approve'): Promise<{ location: string; page: string }> {
  const url = new URL(authorizeUrl);
  const page = await h.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { cookie: session.cookie } });
  assert.equal(page.statusCode, 200, page.body);
  const fields = consentFields(page.body);
  assert.ok(fields.csrf_token, 'the consent page carries a CSRF token');
  const answer = await h.app.inject({
    method: 'POST',
    url: '/oauth/authorize',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, decision }).toString(),
  });
  assert.equal(answer.statusCode, 303, answer.body);
  return { location: String(answer.headers.location), page: page.body };
}

/** The full browser step for `session`: authorize with PKCE and return the code. */
export async function authorizationCode(
  h: TestApp,
  session: TestSession,
  clientId: string,
  options: { scope?: string; state?: string; redirectUri?: string } = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    scope: options.scope ?? 'latchkey:projects:read',
    state: options.state ?? 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const { location } = await consent(h, session, `http://x/oauth/authorize?${query}`);
  const code = new URL(location).searchParams.get('code');
  assert.ok(code, location);
  return { code, verifier };
}

/** A form POST to an /oauth endpoint. */
export function formPost(h: TestApp, path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(params).toString() });
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
