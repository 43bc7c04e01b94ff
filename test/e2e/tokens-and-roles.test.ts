import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

const MEMBER = { email: 'mia@acme.test', password: 'member password 1234', name: 'Mia Member' };

describe('dashboard: personal tokens and what a member may do', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    const invited = await server.api('POST', '/v1/invitations', server.ownerKey, { email: MEMBER.email, role: 'member' });
    assert.equal(invited.status, 201);
    const added = await server.api('POST', '/v1/invitations/accept-new-account', server.ownerKey, { token: invited.body.token, name: MEMBER.name, password: MEMBER.password });
    assert.equal(added.status, 201);
    assert.equal((await server.api('POST', '/v1/keys', server.ownerKey, { name: 'org-key', permissions: ['latchkey:keys:read'] })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('create a personal token, copy it once, use it, then delete it and see it stop working', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, MEMBER.email, MEMBER.password);
    await page.goto('/tokens');
    await page.getByRole('heading', { name: /Personal/ }).waitFor();
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create personal access token' });
    await dialog.getByLabel('Description').fill('laptop scripts');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.match(secret, /^lk_pat_[0-9A-Za-z]{38}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const whoami = await server.api('GET', '/v1/whoami', secret);
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.user.email, MEMBER.email);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.ok(!(await page.content()).includes(secret));
    await page.getByRole('button', { name: 'Delete laptop scripts' }).waitFor();
    await screenshot(page, 'tokens');

    await page.getByRole('button', { name: 'Delete laptop scripts' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete laptop scripts' }).waitFor({ state: 'detached' });
    assert.equal((await server.api('GET', '/v1/whoami', secret)).status, 401);
    const mine = await server.api('GET', '/v1/tokens?all=true', server.ownerKey);
    assert.equal(mine.body.items.filter((t: { description: string }) => t.description === 'laptop scripts').length, 0);
    assert.deepEqual(errors, []);
  });

  test('a member sees no admin controls, and the API refuses them anyway with 403', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, MEMBER.email, MEMBER.password);
    const nav = page.getByRole('navigation', { name: 'Organization settings' });
    await nav.getByRole('link', { name: 'API keys' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Audit log' }).count(), 0);
    await page.goto('/keys');
    await page.getByRole('link', { name: 'org-key' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create key' }).count(), 0);
    assert.equal(await page.getByRole('checkbox').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^(Revoke|Delete|Disable|Regenerate|Edit) org-key$/ }).count(), 0);
    await page.goto('/members');
    await page.getByText(E2E_OWNER.email).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Invite member' }).count(), 0);
    await screenshot(page, 'member-view');

    // The same session, calling the API directly as a crafted page script would.
    const attempt = await page.evaluate(async () => {
      const response = await fetch('/v1/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': localStorage.getItem('latchkey.csrf') ?? '' },
        body: JSON.stringify({ name: 'sneaky', permissions: ['projects:read'] }),
      });
      return { status: response.status, body: await response.json() };
    });
    assert.equal(attempt.status, 403);
    assert.equal(attempt.body.error.code, 'PERMISSION_DENIED');
    const audit = await page.evaluate(async () => (await fetch('/v1/audit')).status);
    assert.equal(audit, 403);
    const listed = await server.api('GET', '/v1/keys?search=sneaky', server.ownerKey);
    assert.equal(listed.body.items.length, 0);
    assert.deepEqual(errors, []);
  });
});
