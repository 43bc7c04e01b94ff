import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

/**
 * Whether a client id and secret authenticate, asked of the revocation endpoint: with a good client it answers 200
 * for any token (RFC 7009 §2.2), and 401 invalid_client otherwise.
 */
async function clientWorks(server: E2eServer, clientId: string, secret: string): Promise<boolean> {
  const response = await fetch(`${server.url}/oauth/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=not-a-token',
  });
  assert.ok(response.status === 200 || response.status === 401, `status ${response.status}`);
  return response.status === 200;
}

async function appsPage(page: Page): Promise<void> {
  await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
  await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'OAuth applications' }).click();
  await page.getByRole('heading', { level: 1, name: 'OAuth applications' }).waitFor();
}

async function stored(server: E2eServer, name: string): Promise<any[]> {
  const response = await server.api('GET', `/v1/oauth/applications?pageSize=200&search=${encodeURIComponent(name)}`, server.ownerKey);
  assert.equal(response.status, 200);
  return response.body.items;
}

describe('dashboard: OAuth applications', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    for (const [name, description] of [
      ['projects:read', 'View projects'],
      ['tests:write', 'Report test results'],
    ]) {
      assert.equal((await server.api('POST', '/v1/permissions', server.ownerKey, { name, description })).status, 201);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('register: scopes from the catalog, client id and secret shown once, stored as entered; bad input stores nothing', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await appsPage(page);
    await page.getByText('No OAuth applications yet.').waitFor();
    await page.getByRole('button', { name: 'Register application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register OAuth application' });

    // Nothing filled in: the form says what is missing and sends nothing.
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    assert.equal(await dialog.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    await dialog.getByText('Choose at least one scope the application may ask for.').waitFor();
    // A redirect URI the server refuses: its message is shown and nothing is stored.
    await dialog.getByLabel('Name', { exact: true }).fill('Test Reporter');
    await dialog.getByLabel('Redirect URIs').fill('http://reporter.example/cb');
    await dialog.getByRole('checkbox', { name: /^tests:write\b/ }).check();
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await dialog.locator('.field-error', { hasText: /^A redirect URI / }).waitFor();
    await dialog.getByRole('alert').getByText('VALIDATION_FAILED').waitFor();
    assert.equal(await dialog.getByLabel('Redirect URIs').getAttribute('aria-invalid'), 'true');
    assert.equal((await stored(server, 'Test Reporter')).length, 0);

    await dialog.getByLabel('Description').fill('Posts CI results');
    await dialog.getByLabel('Homepage').fill('https://reporter.example');
    await dialog.getByLabel('Redirect URIs').fill('https://reporter.example/cb\nhttp://127.0.0.1/cb');
    await dialog.getByRole('checkbox', { name: /^projects:read\b/ }).check();
    await dialog.getByLabel('JWT (verifiable offline)').check();
    await screenshot(page, 'oauth-register');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();

    const secret = await page.getByTestId('secret-value').inputValue();
    const clientId = (await page.getByTestId('client-id').textContent())!;
    assert.match(clientId, /^[0-9A-F]{32}$/);
    const [app] = await stored(server, 'Test Reporter');
    assert.equal(app.clientId, clientId);
    assert.equal(app.description, 'Posts CI results');
    assert.equal(app.homepage, 'https://reporter.example');
    assert.deepEqual(app.redirectUris, ['https://reporter.example/cb', 'http://127.0.0.1/cb']);
    assert.deepEqual([...app.scopes].sort(), ['projects:read', 'tests:write']);
    assert.equal(app.clientType, 'confidential');
    assert.equal(app.accessTokenFormat, 'jwt');
    assert.equal(await clientWorks(server, clientId, secret), true);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: clientId }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is not in the page');
    assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).includes(secret), 'nor in browser storage');
    await screenshot(page, 'oauth-applications');

    // A public client has no secret to show.
    await page.getByRole('button', { name: 'Register application' }).click();
    const second = page.getByRole('dialog', { name: 'Register OAuth application' });
    await second.getByLabel('Name', { exact: true }).fill('Desktop App');
    await second.getByLabel('Redirect URIs').fill('http://127.0.0.1/desktop');
    await second.getByRole('checkbox', { name: /^projects:read\b/ }).check();
    await second.getByLabel('Public (PKCE only)').check();
    await second.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByText('A public client has no secret').waitFor();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal((await stored(server, 'Desktop App'))[0].clientType, 'public');
    assert.equal(await page.getByRole('button', { name: 'Regenerate secret of Desktop App' }).count(), 0);
    assert.deepEqual(errors, []);
  });

  test('regenerate with a grace period, disable and enable, delete naming what stops working', async () => {
    const created = await server.api('POST', '/v1/oauth/applications', server.ownerKey, { name: 'Rotator', redirectUris: ['https://rotator.example/cb'], scopes: ['projects:read'] });
    assert.equal(created.status, 201);
    const { clientId } = created.body.application;
    const oldSecret = created.body.clientSecret as string;
    const { page, errors } = await newPage(browser, server.url);
    await appsPage(page);

    await page.getByRole('button', { name: 'Regenerate secret of Rotator' }).click();
    const regen = page.getByRole('dialog', { name: 'Regenerate the secret of Rotator?' });
    await regen.getByRole('button', { name: '1 hour' }).click();
    await regen.getByText('The old secret keeps working for 1 hour').waitFor();
    await regen.getByRole('button', { name: 'Regenerate' }).click();
    const newSecret = await page.getByTestId('secret-value').inputValue();
    assert.notEqual(newSecret, oldSecret);
    assert.equal(await clientWorks(server, clientId, newSecret), true);
    assert.equal(await clientWorks(server, clientId, oldSecret), true, 'the old secret still works in its grace period');
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Disable Rotator' }).click();
    const disable = page.getByRole('dialog', { name: 'Disable Rotator?' });
    await disable.getByText('every token issued to it ends now').waitFor();
    await disable.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable Rotator' }).waitFor();
    assert.equal((await stored(server, 'Rotator'))[0].enabled, false);
    assert.equal(await clientWorks(server, clientId, newSecret), false, 'a disabled application cannot authenticate');
    await page.getByRole('button', { name: 'Enable Rotator' }).click();
    await page.getByRole('dialog', { name: 'Enable Rotator?' }).getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable Rotator' }).waitFor();
    assert.equal((await stored(server, 'Rotator'))[0].enabled, true);

    await page.getByRole('button', { name: 'Delete Rotator' }).click();
    const del = page.getByRole('dialog', { name: 'Delete Rotator?' });
    await del.getByText('every token issued to it stops working at once').waitFor();
    await del.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete Rotator' }).waitFor({ state: 'detached' });
    assert.equal((await stored(server, 'Rotator')).length, 0);
    assert.equal(await clientWorks(server, clientId, newSecret), false);
    assert.deepEqual(errors, []);
  });
});
