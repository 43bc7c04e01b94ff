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

  test('members: add a member, and the last owner cannot be demoted, with the rule explained', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await signIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await page.goto('/members');
    await page.getByText(/at least one owner/).first().waitFor();
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('val@acme.test');
    await dialog.getByLabel('Name').fill('Val Viewer');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByLabel('Password').fill('viewer password 1234');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('val@acme.test').waitFor();
    const members = await server.api('GET', '/v1/members', server.ownerKey);
    assert.deepEqual(members.body.items.map((m: { email: string; role: string }) => `${m.email}:${m.role}`).sort(), ['owner@acme.test:owner', 'val@acme.test:viewer']);
    const ownerRole = page.getByLabel(`Role of ${E2E_OWNER.email}`);
    assert.equal(await ownerRole.isDisabled(), true, 'the last owner cannot be demoted from the page');
    await screenshot(page, 'members');
    assert.deepEqual(errors, []);
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
