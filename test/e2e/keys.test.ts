import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

interface Created {
  id: string;
  name: string;
  secret: string;
}

async function verify(server: E2eServer, secret: string): Promise<string> {
  const response = await server.api('POST', '/v1/keys/verify', server.ownerKey, { key: secret });
  assert.equal(response.status, 200);
  return response.body.code as string;
}

async function keysPage(page: Page): Promise<void> {
  await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
  await page.goto('/keys');
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
}

function rows(page: Page) {
  return page.locator('tbody tr');
}

describe('dashboard: API keys', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  const seeded: Created[] = [];

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    for (const [name, description] of [
      ['projects:read', 'View projects'],
      ['projects:write', 'Create and change projects'],
      ['tests:write', 'Report test results'],
    ]) {
      assert.equal((await server.api('POST', '/v1/permissions', server.ownerKey, { name, description })).status, 201);
    }
    // 125 keys through the API, as an integration would create them, for paging, search and bulk actions.
    for (let i = 1; i <= 125; i++) {
      const name = `svc-${String(i).padStart(3, '0')}`;
      const response = await server.api('POST', '/v1/keys', server.ownerKey, { name, permissions: ['projects:read'] });
      assert.equal(response.status, 201);
      seeded.push({ id: response.body.id, name, secret: response.body.secret });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('create a key: the secret is shown once, copies, verifies, and is nowhere on the page after the dialog closes', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByLabel('Name', { exact: true }).fill('ci-deploy');
    await dialog.getByLabel('Description').fill('Deploys from CI');
    await dialog.getByRole('checkbox', { name: /^projects:read\b/ }).check();
    await dialog.getByRole('checkbox', { name: /^tests:write\b/ }).check();
    await screenshot(page, 'create-key');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    const secretField = page.getByTestId('secret-value');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    assert.match(secret, /^lk_live_[0-9A-Za-z]{38}$/);
    await page.getByText('It is shown only once').waitFor();
    await screenshot(page, 'secret-once');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    assert.equal(await verify(server, secret), 'VALID');
    const listed = await server.api('GET', '/v1/keys?search=ci-deploy', server.ownerKey);
    assert.equal(listed.body.items.length, 1);
    assert.deepEqual(listed.body.items[0].permissions.sort(), ['projects:read', 'tests:write']);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('link', { name: 'ci-deploy' }).waitFor();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not in the page');
    assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).includes(secret), 'nor in browser storage');
    assert.deepEqual(errors, []);
  });

  test('each key type has its badge: live, test and read-only keys show their type, each in its own colour', async () => {
    const made: string[] = [];
    for (const [name, body] of [
      ['badge-live', { permissions: ['tests:write'] }],
      ['badge-test', { permissions: ['tests:write'], environment: 'test' }],
      ['badge-ro', { permissions: ['projects:read'] }],
    ] as const) {
      const response = await server.api('POST', '/v1/keys', server.ownerKey, { name, ...body });
      assert.equal(response.status, 201);
      made.push(response.body.id as string);
    }
    // Removed however the test ends, so the later tests' counts of keys are not thrown off.
    try {
      const { page, errors } = await newPage(browser, server.url);
      await keysPage(page);
      await page.getByLabel('Search keys').fill('badge-');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
      const badges = await page.locator('tbody tr .env').evaluateAll((elements) =>
        elements.map((element) => {
          const style = getComputedStyle(element);
          return {
            key: element.closest('tr')?.querySelector('a')?.textContent ?? '',
            text: element.textContent,
            className: element.className,
            background: style.backgroundColor,
            color: style.color,
            shape: `${style.fontWeight} ${style.borderRadius} ${style.paddingLeft}`,
          };
        }),
      );
      const byKey = new Map(badges.map((b) => [b.key, b]));
      for (const type of ['live', 'test', 'ro']) {
        const badge = byKey.get(`badge-${type}`);
        assert.equal(badge?.text, type);
        assert.equal(badge?.className, `env env-${type}`);
        assert.notEqual(badge?.background, 'rgba(0, 0, 0, 0)', `the ${type} badge has a background`);
      }
      assert.equal(new Set(badges.map((b) => b.background)).size, 3, 'three different backgrounds');
      assert.equal(new Set(badges.map((b) => b.color)).size, 3, 'three different text colours');
      assert.equal(new Set(badges.map((b) => b.shape)).size, 1, 'one shape for all three');
      assert.deepEqual(errors, []);
    } finally {
      for (const id of made) assert.equal((await server.api('DELETE', `/v1/keys/${id}`, server.ownerKey)).status, 204);
    }
  });

  test('a form with bad input shows field errors and creates nothing', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    const before = (await server.api('GET', '/v1/keys?limit=200', server.ownerKey)).body.items.length;
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const nameField = dialog.getByLabel('Name', { exact: true });
    assert.equal(await nameField.getAttribute('aria-invalid'), 'true');
    await dialog.locator('.field-error').first().waitFor();
    const messages = await dialog.locator('.field-error').allTextContents();
    assert.ok(messages.length >= 2, `a message for the name and for the permissions: ${messages.join(' | ')}`);
    await screenshot(page, 'create-key-errors');
    // A name the server refuses (taken) comes back next to the field.
    await nameField.fill('svc-001');
    await dialog.getByRole('checkbox', { name: /^projects:read\b/ }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText('An active key with that name already exists.').waitFor();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    assert.equal((await server.api('GET', '/v1/keys?limit=200', server.ownerKey)).body.items.length, before);
    assert.deepEqual(errors, []);
  });

  test('search and paging over more than 120 keys', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    await page.getByLabel('Rows per page').selectOption('50');
    await rows(page).nth(49).waitFor();
    assert.equal(await rows(page).count(), 50);
    const firstPage = await rows(page).allTextContents();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/^Page 2 ·/).waitFor();
    assert.equal(await rows(page).count(), 50);
    const secondPage = await rows(page).allTextContents();
    assert.equal(new Set([...firstPage, ...secondPage]).size, 100, 'no row repeats across pages');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/^Page 3 ·/).waitFor();
    assert.ok((await rows(page).count()) >= 25);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText(/^Page 2 ·/).waitFor();

    await page.getByLabel('Search keys').fill('svc-12');
    await page.getByText(/^Page 1 ·/).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 6);
    const names = await page.locator('tbody tr a').allTextContents();
    assert.deepEqual(names.sort(), ['svc-120', 'svc-121', 'svc-122', 'svc-123', 'svc-124', 'svc-125']);
    await page.getByLabel('Search keys').fill('no-such-key-anywhere');
    await page.getByText(/No keys match/i).waitFor();
    assert.deepEqual(errors, []);
  });

  test('select a page of keys and revoke them in bulk: each then fails verification, the rest still verify', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    await page.getByLabel('Rows per page').selectOption('25');
    await page.getByLabel('Search keys').fill('svc-');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 25);
    await page.getByLabel('Select', { exact: true }).selectOption({ label: 'Current page' });
    await page.getByText('25 selected').waitFor();
    await screenshot(page, 'keys');
    const onPage = new Set(await page.locator('tbody tr a').allTextContents());
    await page.getByRole('button', { name: 'Revoke selected' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(/25 keys/).first().waitFor();
    await screenshot(page, 'bulk-revoke-confirm');
    await confirm.getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    const revoked = seeded.filter((k) => onPage.has(k.name));
    assert.equal(revoked.length, 25);
    for (const key of revoked) assert.equal(await verify(server, key.secret), 'REVOKED', key.name);
    for (const key of seeded.filter((k) => !onPage.has(k.name)).slice(0, 10)) assert.equal(await verify(server, key.secret), 'VALID', key.name);
    const stored = await server.api('GET', '/v1/keys?status=revoked&limit=200', server.ownerKey);
    assert.deepEqual(new Set(stored.body.items.map((k: { name: string }) => k.name)), onPage);
    assert.deepEqual(errors, []);
  });

  test('a bulk action that fails leaves every selected key unchanged and says so', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    await page.getByLabel('Status').selectOption('active');
    await page.getByLabel('Rows per page').selectOption('10');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    const names = await page.locator('tbody tr a').allTextContents();
    await page.getByLabel('Select', { exact: true }).selectOption({ label: 'Current page' });
    // Behind the dashboard's back, one selected key is deleted: the bulk request names a key that no longer exists.
    const gone = seeded.find((k) => names.includes(k.name))!;
    assert.equal((await server.api('DELETE', `/v1/keys/${gone.id}`, server.ownerKey)).status, 204);
    await page.getByRole('button', { name: 'Disable selected' }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^Disable/ }).click();
    await page.getByRole('alert').filter({ hasText: /nothing|not found|No such/i }).first().waitFor();
    const others = seeded.filter((k) => names.includes(k.name) && k !== gone);
    assert.ok(others.length >= 8);
    for (const key of others) assert.equal(await verify(server, key.secret), 'VALID', `${key.name} was not disabled`);
    assert.deepEqual(errors, []);
  });

  test('regenerate with a grace period: the new secret is shown once, and old and new both verify until the grace ends', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await keysPage(page);
    const key = seeded.find((k) => k.name === 'svc-125')!;
    assert.equal(await verify(server, key.secret), 'VALID');
    await page.getByLabel('Search keys').fill('svc-125');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.getByRole('button', { name: 'Regenerate svc-125' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Grace period (minutes)').fill('10');
    await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.match(secret, /^lk_ro_/); // seeded with projects:read only: a read-only key keeps its type
    assert.notEqual(secret, key.secret);
    assert.equal(await verify(server, secret), 'VALID');
    assert.equal(await verify(server, key.secret), 'VALID', 'the old secret works during the grace period');
    const stored = await server.api('GET', `/v1/keys/${key.id}`, server.ownerKey);
    assert.equal(stored.body.id, key.id, 'the same key id');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    assert.deepEqual(errors, []);
  });
});
