import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

interface Client {
  id: string;
  clientId: string;
  userEmail: string;
}

/** Exchanges a client id and secret for a token, as the member's service would; the status says whether they work. */
async function tokenStatus(server: E2eServer, clientId: string, secret: string): Promise<number> {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return response.status;
}

async function listed(server: E2eServer, search = ''): Promise<{ items: Client[]; total: number }> {
  const response = await server.api('GET', `/v1/oauth/clients?pageSize=200&search=${encodeURIComponent(search)}`, server.ownerKey);
  assert.equal(response.status, 200);
  return response.body;
}

/** Signs in and opens the page through the navigation, as a person does. */
async function clientsPage(page: Page): Promise<void> {
  await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
  await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Client credentials' }).click();
  await page.getByRole('heading', { level: 1, name: 'Client credentials' }).waitFor();
}

const rows = (page: Page) => page.locator('tbody tr');

describe('dashboard: per-user client credentials (seed 003)', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  const members: string[] = [];

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    // Twelve members, each with a credential made through the API but the last two, so there are two pages of ten.
    for (let i = 1; i <= 13; i++) {
      const email = `user${String(i).padStart(2, '0')}@acme.test`;
      const invited = await server.api('POST', '/v1/invitations', server.ownerKey, { email, role: 'member' });
      assert.equal(invited.status, 201);
      const added = await server.api('POST', '/v1/invitations/accept-new-account', server.ownerKey, { token: invited.body.token, name: `User ${i}`, password: 'member password 1234' });
      assert.equal(added.status, 201);
      members.push(email);
    }
    const all = (await server.api('GET', '/v1/members?limit=200', server.ownerKey)).body.items as { userId: string; email: string }[];
    for (const member of all.filter((m) => m.email !== 'user12@acme.test' && m.email !== 'user13@acme.test' && m.email !== E2E_OWNER.email)) {
      assert.equal((await server.api('POST', '/v1/oauth/clients', server.ownerKey, { userId: member.userId })).status, 201);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('create for a member: client id and secret shown once, the secret works, and a second one is refused with its message', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await clientsPage(page);
    await page.getByText('11 client credentials in all').waitFor();
    await page.getByRole('button', { name: 'Create for user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create client credential' });
    await dialog.getByLabel('User').selectOption({ label: 'user12@acme.test (member)' });
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    const clientId = await page.getByTestId('client-id').textContent();
    assert.match(clientId ?? '', /^[0-9A-F]{32}$/);
    await screenshot(page, 'oauth-client-created');
    assert.equal(await tokenStatus(server, clientId!, secret), 200);
    const stored = await listed(server, 'user12@');
    assert.equal(stored.total, 1);
    assert.equal(stored.items[0]!.clientId, clientId);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('12 client credentials in all').waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is not in the page');
    assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).includes(secret), 'nor in browser storage');

    // The same member again: the server's refusal, in its own words, and nothing more stored.
    await page.getByRole('button', { name: 'Create for user' }).click();
    const again = page.getByRole('dialog', { name: 'Create client credential' });
    await again.getByLabel('User').selectOption({ label: 'user12@acme.test (member)' });
    await again.getByRole('button', { name: 'Generate' }).click();
    await again.getByRole('alert').getByText('This user already has a client credential; regenerate its secret or delete it first.').waitFor();
    await again.getByText('CLIENT_CREDENTIAL_EXISTS').waitFor();
    assert.equal((await listed(server, 'user12@')).total, 1);
    await again.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(errors, []);
  });

  test('search, page size and paging; the masked secret; regenerate one row; delete one row', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await clientsPage(page);
    await page.getByLabel('Rows per page').selectOption('10');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    assert.equal(await rows(page).first().locator('td').nth(3).textContent(), '*****');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 · 2 shown').waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1 · 10 shown').waitFor();

    await page.getByLabel('Search client credentials').fill('user03');
    await page.getByText('1 client credential match').waitFor();
    assert.equal(await rows(page).count(), 1);
    const before = (await listed(server, 'user03@')).items[0]!;

    await page.getByRole('button', { name: 'Regenerate secret for user03@acme.test' }).click();
    await page.getByRole('dialog', { name: 'Regenerate the secret for user03@acme.test?' }).getByRole('button', { name: 'Regenerate' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.equal(await tokenStatus(server, before.clientId, secret), 200, 'the new secret works');
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Delete credential for user03@acme.test' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the credential for user03@acme.test?' });
    await confirm.getByText('every token issued with it stops working').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No client credentials match this search.').waitFor();
    assert.equal((await listed(server, 'user03@')).total, 0);
    assert.equal(await tokenStatus(server, before.clientId, secret), 401, 'the deleted credential no longer works');
    assert.deepEqual(errors, []);
  });

  test('select All across pages with the exact count, bulk regenerate with each secret once, then Current page and bulk delete', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await clientsPage(page);
    await page.getByLabel('Rows per page').selectOption('10');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    const total = (await listed(server)).total;
    assert.equal(total, 11);

    await page.getByLabel('Select', { exact: true }).selectOption('all');
    await page.getByText(`${total} selected`).waitFor();
    await page.getByRole('button', { name: 'Regenerate selected' }).click();
    const confirm = page.getByRole('dialog', { name: `Regenerate secrets of ${total} client credentials?` });
    await confirm.getByText(`the ${total} client credentials selected, across every page`).waitFor();
    await screenshot(page, 'oauth-clients-bulk');
    await confirm.getByRole('button', { name: `Regenerate ${total} client credentials` }).click();
    const results = page.getByRole('dialog', { name: `New secrets for ${total} client credentials` });
    await results.getByText('Copy these secrets now.').waitFor();
    const secrets = await results.locator('input.secret').evaluateAll((inputs) => inputs.map((i) => [i.getAttribute('aria-label'), (i as HTMLInputElement).value]));
    assert.equal(secrets.length, total);
    const stored = await listed(server);
    for (const [label, secret] of secrets) {
      const email = label!.replace('New secret for ', '');
      const client = stored.items.find((c) => c.userEmail === email)!;
      assert.equal(await tokenStatus(server, client.clientId, secret!), 200, `${email}'s new secret works`);
    }
    await results.getByRole('button', { name: 'Done' }).click();
    await page.getByText('0 selected').waitFor();

    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    await page.getByLabel('Select', { exact: true }).selectOption('page');
    await page.getByText('10 selected').waitFor();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    const del = page.getByRole('dialog', { name: 'Delete 10 client credentials?' });
    await del.getByRole('button', { name: 'Delete 10 client credentials' }).click();
    await page.getByRole('dialog', { name: 'Deleted 10 client credentials' }).getByRole('button', { name: 'Done' }).click();
    await page.getByText('1 client credential in all').waitFor();
    assert.equal((await listed(server)).total, 1);
    assert.equal(await rows(page).count(), 1);

    await page.getByLabel('Select', { exact: true }).selectOption('none');
    await page.getByText('0 selected').waitFor();
    assert.deepEqual(errors, []);
  });
  test('a bulk action answers per credential: one deleted meanwhile is named, the rest are deleted', async () => {
    const all = (await server.api('GET', '/v1/members?limit=200', server.ownerKey)).body.items as { userId: string; email: string }[];
    const made: Record<string, string> = {};
    for (const email of ['user03@acme.test', 'user13@acme.test']) {
      const created = await server.api('POST', '/v1/oauth/clients', server.ownerKey, { userId: all.find((m) => m.email === email)!.userId });
      assert.equal(created.status, 201);
      made[email] = created.body.client.id;
    }
    const { page, errors } = await newPage(browser, server.url);
    await clientsPage(page);
    await page.getByText('3 client credentials in all').waitFor();
    await page.getByLabel('Select', { exact: true }).selectOption('all');
    await page.getByText('3 selected').waitFor();
    // Someone else deletes one of the selected credentials before the bulk action runs.
    assert.equal((await server.api('DELETE', `/v1/oauth/clients/${made['user13@acme.test']}`, server.ownerKey)).status, 204);
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('dialog', { name: 'Delete 3 client credentials?' }).getByRole('button', { name: 'Delete 3 client credentials' }).click();
    const result = page.getByRole('dialog', { name: 'Deleted 2 client credentials' });
    await result.getByText('1 selected credential no longer existed, so nothing was done to it: user13@acme.test.').waitFor();
    await result.getByRole('button', { name: 'Done' }).click();
    await page.getByText('No client credentials yet.').waitFor();
    assert.equal((await listed(server)).total, 0);
    assert.deepEqual(errors, []);
  });
});
