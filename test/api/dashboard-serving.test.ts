import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestApp } from '../helpers/test-app.js';

/** A dashboard build in a folder of its own, so these tests do not depend on `npm run build:dashboard`. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-dashboard-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Latchkey</title><script type="module" src="/assets/app-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("dashboard")');
  return dir;
}

// Serving static files touches no storage, so SQLite alone covers it.
describe('dashboard serving', () => {
  it('serves the page at / and at every dashboard path, with a CSP that forbids framing and foreign scripts', async (t) => {
    const dir = fakeBuild();
    const h = await createTestApp('sqlite', { env: { LATCHKEY_DASHBOARD_DIR: dir } });
    t.after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const path of ['/', '/keys', '/keys/key_00000000000000000000', '/tokens', '/projects', '/members', '/audit', '/invite']) {
      const response = await h.call('GET', path, null);
      assert.equal(response.statusCode, 200, path);
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /<title>Latchkey<\/title>/);
      const csp = response.headers['content-security-policy'] as string;
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['cache-control'], 'no-cache');
    }
    const asset = await h.call('GET', '/assets/app-abc123.js', null);
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.equal(asset.body, 'console.log("dashboard")');
  });

  it('keeps the API answers: unknown paths and assets are the standard JSON 404, and pages are not in the OpenAPI document', async (t) => {
    const dir = fakeBuild();
    const h = await createTestApp('sqlite', { env: { LATCHKEY_DASHBOARD_DIR: dir } });
    t.after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const path of ['/nope', '/assets/missing.js', '/assets/../index.html', '/v1/nope', '/keys/key_1/extra']) {
      const response = await h.call('GET', path, null);
      assert.equal(response.statusCode, 404, path);
      assert.equal(response.json().error.code, 'NOT_FOUND', path);
    }
    const openapi = (await h.call('GET', '/openapi.json', null)).json() as { paths: Record<string, unknown> };
    assert.ok(!('/' in openapi.paths) && !('/keys' in openapi.paths) && !('/keys/{id}' in openapi.paths));
  });

  it('without a build, the API still serves and / is a JSON 404', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-no-dashboard-'));
    const h = await createTestApp('sqlite', { env: { LATCHKEY_DASHBOARD_DIR: dir } });
    t.after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });
    assert.equal((await h.call('GET', '/', null)).statusCode, 404);
    assert.equal((await h.call('GET', '/healthz', null)).statusCode, 200);
  });
});
