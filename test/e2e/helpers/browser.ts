import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; no test downloads a browser of its own. LATCHKEY_TEST_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.LATCHKEY_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or null when they can. CI sets LATCHKEY_TEST_REQUIRE_BROWSER=1 so a
 * missing browser fails the run instead of skipping the tests.
 */
export const browserMissing: string | null = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
if (browserMissing && process.env.LATCHKEY_TEST_REQUIRE_BROWSER === '1') throw new Error(`Browser tests are required: ${browserMissing}`);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A fresh browser context (its own cookies and storage) at 1280×800, which records page errors so a test can
 * assert the dashboard never threw.
 */
export async function newPage(browser: Browser, baseURL: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  // Creating an account or signing in hashes a password with scrypt at OWASP's cost (two of them for an
  // invitation accepted with a new account): seconds each on a loaded two-core CI host, so 15 s was not enough.
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) errors.push(message.text());
  });
  return { page, errors };
}

const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * Where screenshots go: test-results/screenshots/ (ignored by git), so a test run never rewrites tracked files.
 * `npm run screenshots` points LATCHKEY_TEST_SCREENSHOTS at docs/screenshots/ to refresh the docs' pictures.
 */
export const SCREENSHOTS_DIR = resolve(ROOT, process.env.LATCHKEY_TEST_SCREENSHOTS ?? 'test-results/screenshots');

/** Saves a screenshot of the page; the docs use the ones `npm run screenshots` writes. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: options.fullPage ?? false });
}

/**
 * Signs in through the sign-in page, as a person does, and waits until the page it lands on has rendered its
 * heading (not only the frame around it), so every test that signs in also checks the landing.
 */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.locator('#main').getByRole('heading', { level: 1 }).waitFor();
}
