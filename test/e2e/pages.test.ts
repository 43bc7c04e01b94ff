import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

describe('dashboard: key detail, projects, members and the audit log', { skip: browserMissing ?? false }, () => {
  let server: E2eServer;
  let browser: Browser;
  let key: { id: string; secret: string };

  before(async () => {
    server = await startE2eServer();
    browser = await launchBrowser();
    assert.equal((await server.api('POST', '/v1/permissions', server.ownerKey, { name: 'reports:read', description: 'Read reports' })).status, 201);
    const created = await server.api('POST', '/v1/keys', server.ownerKey, { name: 'reporting', permissions: ['reports:read'] });
    key = { id: created.body.id, secret: created.body.secret };
    // Verification traffic for the chart: successes and a refused permission.
    for (let i = 0; i < 5; i++) await server.api('POST', '/v1/keys/verify', server.ownerKey, { key: key.secret });
    for (let i = 0; i < 2; i++) await server.api('POST', '/v1/keys/verify', server.ownerKey, { key: key.secret, permissions: 'reports:write' });
    await server.latchkey.ctx.usage.flush();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('key detail shows the key, its audit events, and its verifications by hour and by day', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto(`/keys/${key.id}`);
    await page.getByRole('heading', { name: 'reporting' }).waitFor();
    await page.getByText(key.id).first().waitFor();
    const chart = page.getByRole('img', { name: /7/ });
    await chart.waitFor();
    const label = (await chart.getAttribute('aria-label')) ?? '';
    assert.match(label, /5/, `successes in the summary: ${label}`);
    assert.match(label, /2/, `failures in the summary: ${label}`);
    await page.getByText('key.created').first().waitFor();
    await screenshot(page, 'key-detail', { fullPage: true });
    await page.getByRole('button', { name: 'By day' }).click();
    await page.getByRole('img', { name: /7/ }).waitFor();
    assert.ok(!(await page.content()).includes(key.secret));

    await page.goto('/keys/key_00000000000000000000');
    await page.getByText('No such key').waitFor();
    assert.deepEqual(errors, []);
  });

  test('projects: create one through the dialog, with field errors first', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto('/projects');
    await page.getByRole('button', { name: 'Create project' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.locator('.field-error').first().waitFor();
    await dialog.getByLabel('Name').fill('Mobile app');
    await dialog.getByLabel('Description').fill('iOS and Android clients');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('cell', { name: 'Mobile app', exact: true }).waitFor();
    const listed = await server.api('GET', '/v1/projects', server.ownerKey);
    assert.deepEqual(listed.body.items.map((p: { name: string }) => p.name), ['Mobile app']);
    await screenshot(page, 'projects');
    assert.deepEqual(errors, []);
  });

  test('members: invite by link, the invitee creates an account and is signed in and listed; revoke another; the last owner stays', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto('/members');
    await page.getByText(/at least one owner/).first().waitFor();
    await page.getByText('No pending invitations.').waitFor();
    const invite = async (email: string, role: string) => {
      await page.getByRole('button', { name: 'Invite member' }).click();
      const dialog = page.getByRole('dialog', { name: 'Invite member' });
      await dialog.getByLabel('Email').fill(email);
      await dialog.getByLabel('Role').selectOption(role);
      await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
      const link = await page.getByRole('dialog', { name: 'Invitation link' }).getByTestId('secret-value').inputValue();
      await page.getByRole('button', { name: 'Copy' }).click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      await page.getByRole('button', { name: 'Done' }).click();
      return link;
    };
    const link = await invite('val@acme.test', 'viewer');
    assert.match(link, new RegExp(`^${server.url}/invite#token=lk_inv_[0-9A-Za-z]{38}$`));
    assert.ok(!(await page.content()).includes(link.split('=')[1]!), 'the token is gone once the dialog closes');
    await page.getByRole('cell', { name: 'val@acme.test', exact: true }).waitFor();
    const beforeAccept = await server.api('GET', '/v1/members', server.ownerKey);
    assert.deepEqual(beforeAccept.body.items.map((m: { email: string }) => m.email), [E2E_OWNER.email]);
    await screenshot(page, 'members');

    // A second invitation, revoked from the pending list.
    await invite('oops@acme.test', 'member');
    await page.getByRole('button', { name: 'Revoke invitation of oops@acme.test' }).click();
    await page.getByRole('dialog', { name: 'Revoke invitation' }).getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByRole('cell', { name: 'oops@acme.test', exact: true }).waitFor({ state: 'detached' });
    const pendingNow = await server.api('GET', '/v1/invitations', server.ownerKey);
    assert.deepEqual(pendingNow.body.items.map((i: { email: string }) => i.email), ['val@acme.test']);
    const ownerRole = page.getByLabel(`Role of ${E2E_OWNER.email}`);
    assert.equal(await ownerRole.isDisabled(), true, 'the last owner cannot be demoted from the page');

    // The invitee, in a browser of their own, opens the link and creates their account.
    const invitee = await newPage(browser, server.url);
    await invitee.page.goto(link);
    await invitee.page.getByRole('heading', { name: /New to Latchkey/ }).waitFor();
    assert.equal(new URL(invitee.page.url()).hash, '', 'the token leaves the address bar');
    await invitee.page.getByLabel('Your name').fill('Val Viewer');
    await invitee.page.getByLabel('Choose a password').fill('viewer password 1234');
    await invitee.page.getByLabel('Repeat the password').fill('viewer password 1234');
    await screenshot(invitee.page, 'invite');
    await invitee.page.getByRole('button', { name: 'Create account and join' }).click();
    await invitee.page.getByRole('button', { name: 'Sign out' }).waitFor();
    await invitee.page.getByText('val@acme.test').first().waitFor();
    await invitee.page.goto('/members');
    await invitee.page.getByRole('cell', { name: 'val@acme.test (you)' }).waitFor();
    assert.equal(await invitee.page.getByRole('button', { name: 'Invite member' }).count(), 0);
    const members = await server.api('GET', '/v1/members', server.ownerKey);
    assert.deepEqual(members.body.items.map((m: { email: string; role: string; name: string }) => `${m.email}:${m.role}:${m.name}`).sort(), [
      'owner@acme.test:owner:Olive Owner',
      'val@acme.test:viewer:Val Viewer',
    ]);
    assert.deepEqual((await server.api('GET', '/v1/invitations', server.ownerKey)).body.items, []);

    // The link is spent: opening it again says so and creates nothing.
    const again = await newPage(browser, server.url);
    await again.page.goto(link);
    await again.page.getByLabel('Choose a password').fill('another password 1234');
    await again.page.getByLabel('Repeat the password').fill('another password 1234');
    await again.page.getByRole('button', { name: 'Create account and join' }).click();
    await again.page.getByText(/does not exist, has expired, was revoked or was already used/).waitFor();
    assert.deepEqual([...errors, ...invitee.errors, ...again.errors], []);
  });

  test('audit log lists the changes above with filters, paging and a detail view', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto('/audit');
    await page.getByRole('cell', { name: 'key.created' }).first().waitFor();
    await screenshot(page, 'audit');
    await page.getByLabel(/Action/).first().fill('member.added');
    await page.getByRole('button', { name: 'Apply' }).click();
    await sleep(300);
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr')].every((row) => row.textContent?.includes('member.added')));
    await page.getByRole('button', { name: /^View member\.added/ }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Audit event' });
    await dialog.getByText('val@acme.test').first().waitFor();
    assert.deepEqual(errors, []);
  });
});
