import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

describe('dashboard: keyboard, narrow screens and failures', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    for (let i = 1; i <= 3; i++) await server.api('POST', '/v1/keys', server.ownerKey, { name: `key-${i}`, permissions: ['latchkey:keys:read'], description: 'x'.repeat(200) });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('works from the keyboard: skip link, opening a dialog, focus kept inside, Escape closes and returns focus', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto('/keys');
    await page.getByRole('link', { name: 'key-1' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

    await page.getByRole('button', { name: 'Create key' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.waitFor();
    // A modal <dialog> makes the page behind it inert: Tab cycles through the dialog and, past its end, the
    // browser's own controls (the document body then holds focus), never a control of the page behind.
    let inside = 0;
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => (document.activeElement?.closest('dialog') ? 'dialog' : document.activeElement === document.body ? 'body' : 'page'));
      assert.notEqual(where, 'page', `focus left the dialog for the page behind it (tab ${i + 1})`);
      if (where === 'dialog') inside++;
    }
    assert.ok(inside >= 30);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Create key');
    assert.deepEqual(errors, []);
  });

  test('at 1024 px wide every page fits without scrolling the whole page sideways', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.setViewportSize({ width: 1024, height: 768 });
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    for (const path of ['/keys', '/tokens', '/projects', '/members', '/audit']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
    }
    assert.deepEqual(errors, []);
  });

  test('a server error is shown as a message with its code, never a blank page', async () => {
    const { page } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    // The server's standard body for an internal error, as translateError writes it.
    await page.route(/\/v1\/keys\?/, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.', details: {}, requestId: 'req_e2e' } }),
      }),
    );
    await page.goto('/keys');
    const alert = page.getByRole('alert').filter({ hasText: 'INTERNAL' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Something went wrong on our side\..*req_e2e/);
    await page.getByRole('navigation', { name: 'Organization settings' }).waitFor();
  });

  test('a session ended elsewhere brings back the sign-in page with the reason', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.getByRole('navigation', { name: 'Organization settings' }).waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'latchkey_session')!;
    const csrf = await page.evaluate(() => localStorage.getItem('latchkey.csrf'));
    const ended = await fetch(`${server.url}/v1/auth/sign-out`, { method: 'POST', headers: { cookie: `latchkey_session=${cookie.value}`, 'x-csrf-token': csrf ?? '' } });
    assert.equal(ended.status, 204);
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByText('Your session has ended.').waitFor();
    await page.getByLabel('Email').fill(E2E_OWNER.email);
    await page.getByLabel('Password').fill(E2E_OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('when the server goes away the page says it cannot be reached', async () => {
    const own = await startE2eServer();
    const { page } = await newPage(browser, own.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.getByRole('navigation', { name: 'Organization settings' }).waitFor();
    await own.close();
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not be reached' }).waitFor();
  });
});
