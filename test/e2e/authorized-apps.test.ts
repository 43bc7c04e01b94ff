import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

const MEMBER = { email: 'mia@acme.test', password: 'member password 1234', name: 'Mia Member' };
const SCOPE = 'latchkey:projects:read';

describe('dashboard: authorized apps (OAuth grants)', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  const apps = new Map<string, { clientId: string; clientSecret: string }>();
  const redirectUri = () => `${server.url}/oauth-callback`;

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    const invited = await server.api('POST', '/v1/invitations', server.ownerKey, { email: MEMBER.email, role: 'member' });
    assert.equal(invited.status, 201);
    const added = await server.api('POST', '/v1/invitations/accept-new-account', server.ownerKey, { token: invited.body.token, name: MEMBER.name, password: MEMBER.password });
    assert.equal(added.status, 201);
    for (const name of ['Workflow Runner', 'Report Bot']) {
      const registered = await server.api('POST', '/v1/oauth/applications', server.ownerKey, { name, redirectUris: [redirectUri()], scopes: [SCOPE] });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      apps.set(name, { clientId: registered.body.application.clientId, clientSecret: registered.body.clientSecret });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * Approves an application on the consent page, as a member following a third-party "Connect" link does, and
   * exchanges the code for an access token, as the application then does.
   */
  async function authorize(page: Page, name: string): Promise<string> {
    const app = apps.get(name)!;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: redirectUri(), scope: SCOPE, state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
    await page.goto(`/oauth/authorize?${query}`);
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    if ((await heading.textContent()) === 'Sign in to continue') await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: `Authorize ${name}` }).waitFor();
    await Promise.all([page.waitForURL((url) => url.pathname === '/oauth-callback'), page.getByRole('button', { name: 'Approve' }).click()]);
    const code = new URL(page.url()).searchParams.get('code')!;
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), code_verifier: verifier, client_id: app.clientId, client_secret: app.clientSecret }),
    });
    const body = (await token.json()) as { access_token: string };
    assert.equal(token.status, 200, JSON.stringify(body));
    return body.access_token;
  }

  async function openAuthorizedApps(page: Page): Promise<void> {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Authorized apps' }).click();
    await page.getByRole('heading', { level: 1, name: 'Authorized apps' }).waitFor();
  }

  async function liveGrants(): Promise<{ applicationName: string; userId: string }[]> {
    const response = await server.api('GET', '/v1/oauth/grants?all=true', server.ownerKey);
    assert.equal(response.status, 200);
    return response.body.items;
  }

  test("a member sees only their own grants and revokes one: its tokens stop working; an owner sees and revokes a member's", async () => {
    const member = await newPage(browser, server.url);
    await signIn(member.page, MEMBER.email, MEMBER.password);
    const runnerToken = await authorize(member.page, 'Workflow Runner');
    const botToken = await authorize(member.page, 'Report Bot');
    const owner = await newPage(browser, server.url);
    await signIn(owner.page, E2E_OWNER.email, E2E_OWNER.password);
    const ownerToken = await authorize(owner.page, 'Workflow Runner');
    assert.equal((await liveGrants()).length, 3);

    const page = member.page;
    await openAuthorizedApps(page);
    await page.getByRole('cell', { name: 'Report Bot', exact: true }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 2, "only Mia's two grants, not the owner's");
    assert.equal(await page.getByRole('tab').count(), 0, 'a member has no organization-wide view');
    // Managing applications and client credentials is for owners and admins: a member is not offered the pages.
    const nav = page.getByRole('navigation', { name: 'Organization settings' });
    assert.equal(await nav.getByRole('link', { name: 'OAuth applications' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Client credentials' }).count(), 0);
    await screenshot(page, 'authorized-apps');
    await page.getByRole('button', { name: 'Revoke Workflow Runner for you' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke Workflow Runner?' });
    await confirm.getByText('tokens stop working at their next request').waitFor();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke Workflow Runner for you' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.equal((await server.api('GET', '/v1/whoami', runnerToken)).status, 401, 'the revoked grant ended its token');
    assert.equal((await server.api('GET', '/v1/whoami', botToken)).status, 200, 'the other grant still works');
    assert.equal((await server.api('GET', '/v1/whoami', ownerToken)).status, 200, "the owner's grant of the same app still works");
    assert.deepEqual(member.errors, []);

    const admin = owner.page;
    await openAuthorizedApps(admin);
    await admin.getByRole('tab', { name: "All members' grants" }).click();
    await admin.getByRole('cell', { name: MEMBER.email, exact: true }).waitFor();
    assert.equal(await admin.locator('tbody tr').count(), 2, "the owner's grant and Mia's remaining one");
    await admin.getByRole('button', { name: `Revoke Report Bot for ${MEMBER.email}` }).click();
    await admin.getByRole('dialog', { name: 'Revoke Report Bot?' }).getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('cell', { name: MEMBER.email, exact: true }).waitFor({ state: 'detached' });
    assert.equal((await server.api('GET', '/v1/whoami', botToken)).status, 401);
    const left = await liveGrants();
    assert.deepEqual(
      left.map((g) => g.applicationName),
      ['Workflow Runner'],
    );
    assert.deepEqual(owner.errors, []);
  });
});
