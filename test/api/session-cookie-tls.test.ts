import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { auditRows } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/** A throwaway self-signed certificate for 127.0.0.1. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-tls-'));
  try {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const database of TEST_DATABASES) {
  describe(`${database}: session cookie over direct TLS`, () => {
    it('marks the cookie Secure when the sign-in arrives over TLS to Latchkey itself, with no setting and no proxy', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.ready();
      const server = createServer(selfSigned(), (req, res) => h.app.routing(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const body = JSON.stringify({ email: OWNER_EMAIL, password: OWNER_PASSWORD });
      const response = await new Promise<{ status: number; setCookie: string[] }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/v1/auth/sign-in', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(response.status, 200);
      const cookie = response.setCookie.find((c) => c.startsWith('latchkey_session='));
      assert.ok(cookie, 'a session cookie was set');
      assert.match(cookie, /; Secure/);
      assert.match(cookie, /; HttpOnly/);
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 1);

      // The same app over plain HTTP (inject) does not mark it.
      const plain = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD });
      assert.doesNotMatch(String(plain.headers['set-cookie']), /; Secure/);
    });
  });
}
