import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { createKey, errorCode } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const CHALLENGE = 'Bearer realm="latchkey"';
const INVALID_TOKEN = 'Bearer realm="latchkey", error="invalid_token"';

for (const database of TEST_DATABASES) {
  describe(`${database}: authenticating to the management API`, () => {
    it('accepts a key as Authorization: Bearer or X-API-Key, and the extra header only when configured', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const ok: Array<Record<string, string>> = [
        { authorization: `Bearer ${h.ownerKey}` },
        { authorization: `bearer ${h.ownerKey}` },
        { 'x-api-key': h.ownerKey },
      ];
      for (const headers of ok) assert.equal((await h.call('GET', '/v1/keys', null, undefined, headers)).statusCode, 200, JSON.stringify(Object.keys(headers)));
      const unconfigured = await h.call('GET', '/v1/keys', null, undefined, { token: h.ownerKey });
      assert.equal(unconfigured.statusCode, 401);
      assert.equal(errorCode(unconfigured), 'AUTH_MISSING');
      const basic = await h.call('GET', '/v1/keys', null, undefined, { authorization: `Basic ${h.ownerKey}` });
      assert.equal(errorCode(basic), 'AUTH_INVALID');
      assert.equal(basic.headers['www-authenticate'], 'Bearer realm="latchkey", error="invalid_request"');

      const seeded = await createTestApp(database, { env: { LATCHKEY_AUTH_HEADER: 'Token' } });
      t.after(() => seeded.close());
      for (const name of ['Token', 'token', 'TOKEN']) {
        const response = await seeded.call('GET', '/v1/keys', null, undefined, { [name]: seeded.ownerKey });
        assert.equal(response.statusCode, 200, name);
      }
      const created = await seeded.call('POST', '/v1/keys', null, { name: 'via token header', permissions: ['latchkey:keys:read'] }, { token: seeded.ownerKey });
      assert.equal(created.statusCode, 201);
      assert.equal(errorCode(await seeded.call('GET', '/v1/keys', null, undefined, { token: generateToken(DEFAULT_TOKEN_FORMAT, 'pat') })), 'AUTH_INVALID');
    });

    it('refuses a credential in the query string with 400 CREDENTIAL_IN_QUERY and never uses it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k', permissions: ['latchkey:keys:read', 'latchkey:keys:verify'] });
      const lookups = { calls: 0 };
      const repo = h.storage.repos.keys;
      const original = repo.findByDigest.bind(repo);
      repo.findByDigest = async (digest: string) => {
        lookups.calls++;
        return original(digest);
      };
      for (const query of [`api_key=${key.secret}`, `token=${key.secret}`, `access_token=${key.secret}`, `q=${key.secret}`, `${key.secret}=1`, 'api_key=anything', 'limit=5&key=abc']) {
        for (const headers of [{}, { 'x-api-key': h.ownerKey }] as Array<Record<string, string>>) {
          const response = await h.call('GET', `/v1/keys?${query}`, null, undefined, headers);
          assert.equal(response.statusCode, 400, query);
          assert.equal(errorCode(response), 'CREDENTIAL_IN_QUERY');
          assert.ok(!response.body.includes(key.secret));
        }
      }
      const verifyInUrl = await h.call('POST', `/v1/keys/verify?key=${key.secret}`, h.ownerKey, { key: key.secret });
      assert.equal(errorCode(verifyInUrl), 'CREDENTIAL_IN_QUERY');
      assert.equal(lookups.calls, 0);
      await h.latchkey.ctx.usage.flush();
      assert.equal((await h.storage.repos.keys.findById(h.orgId, key.id))?.lastUsedAt, null);
      assert.equal((await h.call('GET', '/v1/keys?search=k', key.secret)).statusCode, 200);
    });

    it('answers 401 with a distinct code and a WWW-Authenticate challenge for missing, invalid, revoked, expired and disabled credentials', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const revoked = await createKey(h, { name: 'revoked' });
      const expired = await createKey(h, { name: 'expired', expiresAt: new Date(h.clock.now() + 1000).toISOString() });
      const disabled = await createKey(h, { name: 'disabled', enabled: false });
      await h.call('POST', `/v1/keys/${revoked.id}/revoke`, h.ownerKey);
      h.clock.advance(1000);
      const cases: Array<[string | null, string, string]> = [
        [null, 'AUTH_MISSING', CHALLENGE],
        [generateToken(DEFAULT_TOKEN_FORMAT, 'live'), 'AUTH_INVALID', INVALID_TOKEN],
        [`${h.ownerKey.slice(0, -1)}${h.ownerKey.endsWith('0') ? '1' : '0'}`, 'AUTH_INVALID', INVALID_TOKEN],
        ['not-a-token', 'AUTH_INVALID', INVALID_TOKEN],
        [revoked.secret, 'AUTH_REVOKED', INVALID_TOKEN],
        [expired.secret, 'AUTH_EXPIRED', INVALID_TOKEN],
        [disabled.secret, 'AUTH_DISABLED', INVALID_TOKEN],
      ];
      const messages = new Set<string>();
      for (const [secret, code, challenge] of cases) {
        for (const [method, url] of [['GET', '/v1/keys'], ['POST', '/v1/keys/verify']] as const) {
          const response = await h.call(method, url, secret, method === 'POST' ? { key: h.ownerKey } : undefined);
          assert.equal(response.statusCode, 401, `${code} ${url}`);
          const body = response.json();
          assert.deepEqual(Object.keys(body.error).sort(), ['code', 'details', 'message', 'requestId']);
          assert.equal(body.error.code, code);
          assert.equal(response.headers['www-authenticate'], challenge);
          assert.ok(!response.body.includes(secret ?? '\u0000'));
          messages.add(body.error.message);
        }
      }
      assert.equal(messages.size, 5);
    });

    it('answers 403 with error="insufficient_scope" naming the permission, and IP_FORBIDDEN from outside a key\'s ranges', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const reader = await createKey(h, { name: 'reader', permissions: ['latchkey:keys:read'] });
      for (const [method, url, body, scope] of [
        ['POST', '/v1/keys', { name: 'x', permissions: ['latchkey:keys:read'] }, 'latchkey:keys:write'],
        ['POST', `/v1/keys/${reader.id}/revoke`, undefined, 'latchkey:keys:write'],
        ['GET', '/v1/tokens', undefined, 'latchkey:tokens:read'],
      ] as const) {
        const response = await h.call(method, url, reader.secret, body);
        assert.equal(response.statusCode, 403, url);
        assert.equal(errorCode(response), 'PERMISSION_DENIED');
        assert.equal(response.json().error.details.required, scope);
        assert.equal(response.headers['www-authenticate'], `Bearer realm="latchkey", error="insufficient_scope", scope="${scope}"`);
      }
      assert.equal((await h.call('GET', `/v1/keys/${reader.id}`, h.ownerKey)).json().status, 'active');
      const fenced = await createKey(h, { name: 'fenced', ipRanges: ['10.0.0.0/8'] });
      const outside = await h.call('GET', '/v1/keys', fenced.secret);
      assert.equal(outside.statusCode, 403);
      assert.equal(errorCode(outside), 'IP_FORBIDDEN');
      const local = await createKey(h, { name: 'local', ipRanges: ['127.0.0.0/8', '::1'] });
      assert.equal((await h.call('GET', '/v1/keys', local.secret)).statusCode, 200);
    });
  });
}
