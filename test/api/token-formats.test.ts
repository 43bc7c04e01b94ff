import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { generateToken, TOKEN_TYPES } from '../../src/domain/token-format.js';
import { loggerOptions } from '../../src/server/logger-options.js';
import { createKey, declarePermissions, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const KETRYX = { LATCHKEY_KEY_PREFIX: 'KXTK', LATCHKEY_TOKEN_TYPE_SEGMENT: 'off' };

async function formats(h: TestApp) {
  const response = await h.call('GET', '/v1/token-formats', null);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { prefix: string; typeSegment: boolean; types: string[]; patterns: Array<{ types: string[]; regex: string }> };
}

function regexFor(served: Awaited<ReturnType<typeof formats>>, type: string): RegExp {
  return new RegExp(served.patterns.find((p) => p.types.includes(type))!.regex);
}

/** Everything of a response but its request id, which differs on every call. */
function answer(response: { statusCode: number; json(): any }) {
  const body = response.json();
  if (body.error) delete body.error.requestId;
  return { status: response.statusCode, body };
}

for (const database of TEST_DATABASES) {
  describe(`${database}: token formats`, () => {
    it('GET /v1/token-formats is public, holds no secret, and its expressions match the keys this deployment issues', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const served = await formats(h);
      assert.deepEqual([served.prefix, served.typeSegment, served.types], ['lk', true, [...TOKEN_TYPES]]);
      assert.equal(served.patterns.length, TOKEN_TYPES.length);
      const response = await h.call('GET', '/v1/token-formats', null);
      assert.ok(!response.body.includes(h.ownerKey.slice(8)));
      const live = await createKey(h, { name: 'live', permissions: ['tests:write'] });
      const test = await createKey(h, { name: 'test', permissions: ['tests:write'], environment: 'test' });
      const ro = await createKey(h, { name: 'ro', permissions: ['tests:read'] });
      for (const [key, type] of [[live, 'live'], [test, 'test'], [ro, 'ro']] as const) {
        assert.match(key.secret, regexFor(served, type));
        for (const other of TOKEN_TYPES.filter((x) => x !== type)) assert.doesNotMatch(key.secret, regexFor(served, other));
      }
      assert.match(h.ownerKey, regexFor(served, 'live'));
    });

    it('Ketryx\'s KXTK_… without a type segment: issued, verified, listed; the kind comes from storage', async (t) => {
      const h = await createTestApp(database, { env: KETRYX });
      t.after(() => h.close());
      await declarePermissions(h);
      assert.match(h.ownerKey, /^KXTK_[A-Za-z0-9]{38}$/);
      const served = await formats(h);
      assert.deepEqual(served.patterns, [{ types: [...TOKEN_TYPES], regex: '\\bKXTK_[A-Za-z0-9]{38}\\b' }]);
      const key = await createKey(h, { name: 'reader', permissions: ['tests:read'] });
      assert.match(key.secret, /^KXTK_[A-Za-z0-9]{38}$/);
      assert.match(key.secret, regexFor(served, 'ro'));
      assert.equal(key.start, key.secret.slice(0, 'KXTK_'.length + 4));
      assert.deepEqual([key.environment, (await storedKey(h, key.id))?.tokenType], ['ro', 'ro']);
      const valid = await verify(h, { key: key.secret, permissions: 'tests:read' });
      assert.deepEqual([valid.code, valid.keyId, valid.environment], ['VALID', key.id, 'ro']);
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const pat = await sessionCall(h, owner, 'POST', '/v1/tokens', { description: 'cli' });
      assert.equal(pat.statusCode, 201, pat.body);
      assert.match(pat.json().secret, /^KXTK_[A-Za-z0-9]{38}$/);
      assert.deepEqual([(await verify(h, { key: pat.json().secret })).code, (await verify(h, { key: pat.json().secret })).environment], ['VALID', 'pat']);
      assert.equal((await h.call('GET', '/v1/keys', pat.json().secret)).statusCode, 200);
    });

    it('in every format a malformed secret is answered exactly like an unknown one, by verification and by authentication', async (t) => {
      for (const env of [{}, KETRYX, { LATCHKEY_KEY_PREFIX: 'qx' }] as Array<Record<string, string>>) {
        const h = await createTestApp(database, { env });
        try {
          const format = h.config.tokenFormat;
          const unknown = generateToken(format, 'live');
          const flipped = unknown.slice(0, -1) + (unknown.endsWith('A') ? 'B' : 'A');
          const other = generateToken({ prefix: format.prefix, typeSegment: !format.typeSegment }, 'live');
          const cased = format.prefix.toUpperCase() === format.prefix ? unknown.replace(format.prefix, format.prefix.toLowerCase()) : unknown.replace(format.prefix, format.prefix.toUpperCase());
          const expectVerify = answer(await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: unknown }));
          const expectAuth = answer(await h.call('GET', '/v1/keys', unknown));
          assert.equal(expectVerify.body.code, 'NOT_FOUND');
          assert.equal(expectAuth.status, 401);
          for (const bad of [flipped, other, cased, unknown.slice(0, -1), `${unknown}x`]) {
            assert.deepEqual(answer(await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: bad })), expectVerify, bad);
            assert.deepEqual(answer(await h.call('GET', '/v1/keys', bad)), expectAuth, bad);
          }
        } finally {
          await h.close();
        }
      }
    });

    it('the URL filter refuses a KXTK_… secret in a query or path, as the generated pattern says', async (t) => {
      const h = await createTestApp(database, { env: KETRYX });
      t.after(() => h.close());
      for (const url of [`/v1/keys?q=${h.ownerKey}`, `/v1/keys?${h.ownerKey.toLowerCase()}`, `/v1/keys/${h.ownerKey.slice(0, 25)}`, `/healthz?x=${encodeURIComponent(h.ownerKey)}`]) {
        const response = await h.call('GET', url, h.ownerKey);
        assert.equal(response.statusCode, 400, url);
        assert.equal(errorCode(response), 'CREDENTIAL_IN_QUERY', url);
      }
      // Ids are never taken for secrets (LATCHKEY_KEY_PREFIX refuses id prefixes).
      assert.equal((await h.call('GET', '/v1/keys/key_0123456789abcdefghij', h.ownerKey)).statusCode, 404);
    });

    it('log redaction cuts this deployment\'s secrets (from the generated pattern) out of paths and error messages', async (t) => {
      const lines: string[] = [];
      const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
      const kri = { prefix: 'kri', typeSegment: false };
      const h = await createTestApp(database, { env: { LATCHKEY_KEY_PREFIX: 'kri', LATCHKEY_TOKEN_TYPE_SEGMENT: 'off' }, logger: { ...(loggerOptions('info', undefined, kri) as object), stream: sink } as never });
      t.after(() => h.close());
      const short = h.ownerKey.slice(0, 24);
      await h.call('GET', `/v1/nothing/${short}`, null);
      await h.call('GET', `/v1/keys?${encodeURIComponent(h.ownerKey)}=1`, h.ownerKey);
      const log = lines.join('');
      assert.ok(log.includes('[redacted]'), log);
      assert.ok(!log.includes(short) && !log.includes(h.ownerKey.slice(4, 24)), log);
    });
  });

  describe(`${database}: key types and permission-less keys`, () => {
    it('a live key of read permissions only is issued as ro (lk_ro_, qx_ro_); a test key stays test; regenerate keeps the type', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_KEY_PREFIX: 'qx' } });
      t.after(() => h.close());
      await declarePermissions(h, ['read:projects', 'write:projects', 'projects:read']);
      const ro = await createKey(h, { name: 'ro', permissions: ['read:projects', 'projects:read'] });
      assert.match(ro.secret, /^qx_ro_[A-Za-z0-9]{38}$/);
      assert.deepEqual([ro.environment, (await storedKey(h, ro.id))?.tokenType, ro.start.slice(0, 6)], ['ro', 'ro', 'qx_ro_']);
      assert.equal((await verify(h, { key: ro.secret, permissions: 'read:projects' })).code, 'VALID');
      const testKey = await createKey(h, { name: 'test', permissions: ['read:projects'], environment: 'test' });
      assert.match(testKey.secret, /^qx_test_/);
      const rolled = await h.call('POST', `/v1/keys/${ro.id}/regenerate`, h.ownerKey);
      assert.equal(rolled.statusCode, 200, rolled.body);
      assert.match(rolled.json().secret, /^qx_ro_/);

      // The type is fixed when the key is created: narrowing a live key to reads keeps its live secrets.
      const live = await createKey(h, { name: 'live', permissions: ['read:projects', 'write:projects'] });
      const narrowed = await h.call('PATCH', `/v1/keys/${live.id}`, h.ownerKey, { permissions: ['read:projects'] });
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      assert.equal(narrowed.json().environment, 'live');
      const again = await h.call('POST', `/v1/keys/${live.id}/regenerate`, h.ownerKey);
      assert.match(again.json().secret, /^qx_live_/);
      assert.equal((await storedKey(h, live.id))?.tokenType, 'live');

      // ro keys are live keys when listing by environment.
      const liveList = (await h.call('GET', '/v1/keys?environment=live', h.ownerKey)).json().items.map((k: { id: string }) => k.id);
      assert.ok(liveList.includes(ro.id) && liveList.includes(live.id) && !liveList.includes(testKey.id));
      const testList = (await h.call('GET', '/v1/keys?environment=test', h.ownerKey)).json().items.map((k: { id: string }) => k.id);
      assert.deepEqual(testList, [testKey.id]);
    });

    it('an organization key with no permissions: accepted, verifies for a check asking none, manages nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const response = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'bare' });
      assert.equal(response.statusCode, 201, response.body);
      const bare = response.json();
      assert.deepEqual([bare.permissions, bare.environment], [[], 'live']);
      assert.deepEqual((await storedKey(h, bare.id))?.permissions, []);
      assert.equal((await verify(h, { key: bare.secret })).code, 'VALID');
      assert.equal((await verify(h, { key: bare.secret, permissions: 'tests:read' })).code, 'INSUFFICIENT_PERMISSIONS');
      for (const [method, url, body] of [['GET', '/v1/keys', undefined], ['POST', '/v1/keys', { name: 'child' }], ['POST', '/v1/keys/verify', { key: h.ownerKey }], ['GET', '/v1/projects', undefined]] as const) {
        const refused = await h.call(method, url, bare.secret, body);
        assert.equal(refused.statusCode, 403, `${method} ${url}: ${refused.body}`);
        assert.equal(errorCode(refused), 'PERMISSION_DENIED');
      }
      // Only what any credential may call.
      assert.equal((await h.call('GET', '/v1/whoami', bare.secret)).statusCode, 200);
      const explicit = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'explicit', permissions: [] });
      assert.equal(explicit.statusCode, 201, explicit.body);
    });

    it('POST /v1/tokens with no body, or {}, creates a token holding the user\'s role (seed 004: every field optional)', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      for (const body of [undefined, {}]) {
        const response = await sessionCall(h, owner, 'POST', '/v1/tokens', body);
        assert.equal(response.statusCode, 201, response.body);
        const token = response.json();
        assert.deepEqual([token.kind, token.environment, token.permissions, token.description, token.name, token.expiresAt], ['personal_token', 'pat', ['*'], '', 'Personal access token', null]);
        assert.match(token.secret, /^lk_pat_/);
        assert.equal((await storedKey(h, token.id))?.ownerUserId, h.ownerUserId);
        assert.equal((await verify(h, { key: token.secret })).code, 'VALID');
      }
      // An organization key's create still needs its name.
      const noName = await h.call('POST', '/v1/keys', h.ownerKey);
      assert.equal(noName.statusCode, 400);
    });
  });
}
