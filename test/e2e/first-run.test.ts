import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

describe('dashboard: first run, sign-in and sign-out', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  before(async () => {
    server = await startE2eServer({ initialized: false });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a fresh instance shows the first-run page; bad input creates nothing; good input creates the org, owner and a working owner key', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Set up Latchkey' }).waitFor();
    await screenshot(page, 'first-run');

    await page.getByLabel('Email').fill('not an email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the password').fill('different');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByText('Name the organization.').waitFor();
    await page.getByText('Enter an email address such as you@example.com.').waitFor();
    await page.getByText('Use at least 12 characters.').waitFor();
    await page.getByText('The two passwords differ.').waitFor();
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await (await fetch(`${server.url}/v1/setup`)).json()), { initialized: false });

    await page.getByLabel('Organization name').fill(E2E_OWNER.organizationName);
    await page.getByLabel('Email').fill(E2E_OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(E2E_OWNER.password);
    await page.getByLabel('Repeat the password').fill(E2E_OWNER.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'Latchkey is ready' }).waitFor();
    const ownerKey = await page.getByTestId('secret-value').inputValue();
    assert.match(ownerKey, /^lk_live_[0-9A-Za-z]{38}$/);
    const whoami = await server.api('GET', '/v1/whoami', ownerKey);
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.organization.name, 'Acme');
    assert.deepEqual((await (await fetch(`${server.url}/v1/setup`)).json()), { initialized: true });

    await page.getByRole('button', { name: 'Continue to the dashboard' }).click();
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'API keys' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    assert.ok(!(await page.content()).includes(ownerKey), 'the owner key is gone from the page');
    assert.deepEqual(errors, []);
  });

  test('sign-in refuses a wrong password with a message, accepts the right one, and sign-out ends the session', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your email address.').waitFor();

    await page.getByLabel('Email').fill(E2E_OWNER.email);
    await page.getByLabel('Password').fill('wrong password entirely');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_SIGN_IN' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('Password').fill(E2E_OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'latchkey_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    // The old cookie no longer works even if replayed.
    const replay = await fetch(`${server.url}/v1/whoami`, { headers: { cookie: `latchkey_session=${session.value}` } });
    assert.equal(replay.status, 401);
    assert.deepEqual(errors, []);
  });
});
