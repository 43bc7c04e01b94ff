import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage } from './helpers/browser.js';
import { E2E_OWNER, type E2eServer, startE2eServer } from './helpers/e2e-server.js';

/**
 * Every way a person arrives in the dashboard ends on a page that has rendered, without a reload: the first-run
 * page's "Continue", the sign-in form, opening `/` while signed in, accepting an invitation, and the browser's
 * Back button. None of these tests starts with `goto('/keys')`: each enters exactly as a person does.
 */

/** Marks the document, so a later check can tell the page was never reloaded (a reload drops the mark). */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { latchkeyNoReload: boolean }).latchkeyNoReload = true;
  });
}

async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { latchkeyNoReload?: boolean }).latchkeyNoReload === true);
}

/** The keys page has rendered: its heading, and the owner key the first run created, in the table. */
async function keysPageRendered(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  await page.getByRole('link', { name: 'Owner key' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/keys');
  const current = page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'API keys' });
  assert.equal(await current.getAttribute('aria-current'), 'page');
}

async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('dashboard: entering the way people do', { skip: browserMissing ?? false }, () => {
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

  test('first run: "Continue to the dashboard" shows the rendered keys page, without a reload', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await page.getByLabel('Organization name').fill(E2E_OWNER.organizationName);
    await page.getByLabel('Email').fill(E2E_OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(E2E_OWNER.password);
    await page.getByLabel('Repeat the password').fill(E2E_OWNER.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'Latchkey is ready' }).waitFor();
    await markDocument(page);
    await page.getByRole('button', { name: 'Continue to the dashboard' }).click();
    await keysPageRendered(page);
    assert.ok(await stillSameDocument(page), 'the page was not reloaded');
    assert.deepEqual(errors, []);
  });

  test('sign-in: the form lands on the rendered keys page, without a reload', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await markDocument(page);
    await fillSignIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await keysPageRendered(page);
    assert.ok(await stillSameDocument(page), 'the page was not reloaded');
    assert.deepEqual(errors, []);
  });

  test('opening / while signed in shows the rendered keys page; Back and Forward move between rendered pages', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await fillSignIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await keysPageRendered(page);
    // A new visit to the address, as typing it or opening a bookmark does.
    await page.goto('/');
    await keysPageRendered(page);

    await markDocument(page);
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/projects');
    await page.goBack();
    await keysPageRendered(page);
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    assert.ok(await stillSameDocument(page), 'moving between pages never reloads');
    assert.deepEqual(errors, []);
  });

  test('signing out and in again in the same tab lands on the rendered keys page', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await fillSignIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await keysPageRendered(page);
    await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    await markDocument(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await fillSignIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await keysPageRendered(page);
    assert.ok(await stillSameDocument(page), 'the page was not reloaded');
    assert.deepEqual(errors, []);
  });

  test('links are real addresses: modified clicks open a new tab, and the audit filters live in the address, with Back', async () => {
    const { page, errors } = await newPage(browser, server.url);
    await page.goto('/');
    await fillSignIn(page, E2E_OWNER.email, E2E_OWNER.password);
    await keysPageRendered(page);
    const nav = page.getByRole('navigation', { name: 'Organization settings' });
    assert.equal(await nav.getByRole('link', { name: 'Projects' }).getAttribute('href'), '/projects');
    const [tab] = await Promise.all([page.context().waitForEvent('page'), nav.getByRole('link', { name: 'Projects' }).click({ modifiers: ['Control'] })]);
    await tab.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    assert.equal(new URL(tab.url()).pathname, '/projects');
    assert.equal(new URL(page.url()).pathname, '/keys', 'the first tab stays where it was');
    await tab.close();

    // A filtered view opened from its address, as a bookmark or a link from a key's page does.
    await page.goto('/audit?action=key.created');
    await page.getByRole('cell', { name: 'key.created' }).first().waitFor();
    assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'key.created');
    assert.equal(await page.getByRole('cell', { name: 'member.added' }).count(), 0);
    await markDocument(page);
    await page.getByLabel('Action', { exact: true }).fill('member.added');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('cell', { name: 'member.added' }).first().waitFor();
    assert.equal(new URL(page.url()).search, '?action=member.added');
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr')].every((row) => row.textContent?.includes('member.added')));
    await page.goBack();
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#main input[list="audit-action-list"]')?.value === 'key.created');
    assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'key.created');
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr')].every((row) => row.textContent?.includes('key.created')));
    assert.equal(new URL(page.url()).search, '?action=key.created');
    assert.ok(await stillSameDocument(page), 'Back changed the filters in place');
    assert.deepEqual(errors, []);
  });

  test('accepting an invitation with a new account lands on the rendered keys page of the organization', async () => {
    const token = await inviteAsOwner('ivy@acme.test');
    const { page, errors } = await newPage(browser, server.url);
    await page.goto(`/invite#token=${encodeURIComponent(token)}`);
    await page.getByRole('heading', { name: /New to Latchkey/ }).waitFor();
    await markDocument(page);
    await page.getByLabel('Your name').fill('Ivy Invitee');
    await page.getByLabel('Choose a password').fill('invitee password 1234');
    await page.getByLabel('Repeat the password').fill('invitee password 1234');
    await page.getByRole('button', { name: 'Create account and join' }).click();
    await keysPageRendered(page);
    await page.getByText('ivy@acme.test').first().waitFor();
    assert.ok(await stillSameDocument(page), 'the page was not reloaded');
    // A member's role has no audit:read: the page is not offered, and its address says so instead of a blank page.
    assert.equal(await page.getByRole('navigation', { name: 'Organization settings' }).getByRole('link', { name: 'Audit log' }).count(), 0);
    await page.goto('/audit');
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    assert.deepEqual(errors, []);
  });

  /** Invites through the API with the owner's session, as the members page does; the owner key is only in the page. */
  async function inviteAsOwner(email: string): Promise<string> {
    const signIn = await fetch(`${server.url}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: E2E_OWNER.email, password: E2E_OWNER.password }),
    });
    assert.equal(signIn.status, 200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const invited = await fetch(`${server.url}/v1/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ email, role: 'member' }),
    });
    const body = (await invited.json()) as { token: string };
    assert.equal(invited.status, 201, JSON.stringify(body));
    return body.token;
  }
});
