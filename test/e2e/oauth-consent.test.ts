import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

/**
 * A third-party web app on a loopback address (RFC 8252), named by `localhost` so that it is another site than
 * Latchkey's 127.0.0.1: its "Connect" link starts the flow as a real one does, and its callback records what
 * the browser brought back.
 */
interface ClientSite {
  origin: string;
  redirectUri: string;
  setAuthorizeUrl(url: string): void;
  callbacks: URLSearchParams[];
  close(): Promise<void>;
}

async function startClientSite(): Promise<ClientSite> {
  const callbacks: URLSearchParams[] = [];
  let authorizeUrl = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/cb') {
      callbacks.push(url.searchParams);
      response.end('<!doctype html><title>Client</title><h1>Back at the client</h1>');
      return;
    }
    response.end(`<!doctype html><title>Client</title><h1>Workflow Runner</h1><a href="${authorizeUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">Connect Latchkey</a>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    redirectUri: `${origin}/cb`,
    setAuthorizeUrl: (url) => void (authorizeUrl = url),
    callbacks,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('OAuth consent in a real browser: approve and deny reach the client', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  let client: ClientSite;
  let app: { clientId: string; clientSecret: string };

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    client = await startClientSite();
    // Registered on the loopback host without a port: a native or local app's port is chosen when it runs.
    const registered = await server.api('POST', '/v1/oauth/applications', server.ownerKey, {
      name: 'Workflow Runner',
      description: 'Runs workflows for you.',
      redirectUris: ['http://localhost/cb'],
      scopes: ['latchkey:projects:read'],
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    app = { clientId: registered.body.application.clientId, clientSecret: registered.body.clientSecret };
  });
  after(async () => {
    await browser?.close();
    await client?.close();
    await server?.close();
  });

  function authorizeUrl(state: string, challenge: string): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: client.redirectUri,
      scope: 'latchkey:projects:read',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${server.url}/oauth/authorize?${query}`;
  }

  /** Signs in on the dashboard, then follows the client's link and reaches the consent page. */
  async function openConsent(state: string, challenge: string) {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    client.setAuthorizeUrl(authorizeUrl(state, challenge));
    await page.goto(client.origin + '/');
    await page.getByRole('link', { name: 'Connect Latchkey' }).click();
    // The session cookie is SameSite=Strict, so arriving from the client's site shows the same-site Continue link.
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    if ((await heading.textContent()) === 'Sign in to continue') await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Authorize Workflow Runner' }).waitFor();
    return { page, errors };
  }

  test('approve: the browser is sent back with a code, which the client exchanges with PKCE and uses on the API', async () => {
    const { verifier, challenge } = pkce();
    const state = 'st-approve/é';
    const { page } = await openConsent(state, challenge);
    assert.ok(await page.getByText('Acme').first().isVisible());
    assert.ok(await page.getByText('latchkey:projects:read').isVisible());
    await screenshot(page, 'oauth-consent');
    const before = client.callbacks.length;
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Back at the client' }).waitFor();
    assert.equal(client.callbacks.length, before + 1);
    const callback = client.callbacks.at(-1)!;
    assert.equal(callback.get('state'), state);
    assert.equal(callback.get('error'), null);
    const code = callback.get('code');
    assert.ok(code);
    assert.ok(page.url().startsWith(`${client.redirectUri}?`), page.url());

    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, client_id: app.clientId, client_secret: app.clientSecret }),
    });
    const tokens: any = await token.json();
    assert.equal(token.status, 200, JSON.stringify(tokens));
    assert.match(tokens.access_token, /^lk_oauth_/);
    assert.equal(tokens.scope, 'latchkey:projects:read');
    const projects = await server.api('GET', '/v1/projects', tokens.access_token);
    assert.equal(projects.status, 200);
    const whoami = await server.api('GET', '/v1/whoami', tokens.access_token);
    assert.equal(whoami.body.kind, 'oauth_token');
    assert.equal(whoami.body.user.email, E2E_OWNER.email);
    // The code was single-use.
    const replay = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, client_id: app.clientId, client_secret: app.clientSecret }),
    });
    assert.equal(replay.status, 400);
    await page.context().close();
  });

  test('deny: the browser is sent back with error=access_denied and the state, and no code', async () => {
    const { challenge } = pkce();
    const state = 'st-deny';
    const { page } = await openConsent(state, challenge);
    const before = client.callbacks.length;
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Back at the client' }).waitFor();
    assert.equal(client.callbacks.length, before + 1);
    const callback = client.callbacks.at(-1)!;
    assert.equal(callback.get('error'), 'access_denied');
    assert.equal(callback.get('state'), state);
    assert.equal(callback.get('code'), null);
    await page.context().close();
  });
});
