import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { addMember, auditRows, sessionCall, signIn, type TestSession } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const PASSWORD = 'a long enough password';
const KRITEN = { LATCHKEY_KRITEN_API: 'on', LATCHKEY_KEY_PREFIX: 'kri', LATCHKEY_TOKEN_TYPE_SEGMENT: 'off' };
const BASE = '/api/v1/api_tokens';
const FIELDS = ['created_at', 'description', 'enabled', 'expires', 'id', 'key', 'owner', 'updated_at'];

async function member(h: TestApp, email: string, role: 'member' | 'admin' = 'member'): Promise<{ userId: string; session: TestSession }> {
  const userId = await addMember(h, email, role, PASSWORD);
  return { userId, session: await signIn(h, email, PASSWORD) };
}

/** Kriten's clients send the secret in `Token:`. */
function asToken(h: TestApp, method: string, url: string, key: string, body?: unknown) {
  return h.call(method, url, null, body, { token: key });
}

async function kritenToken(h: TestApp, session: TestSession, body: unknown = {}) {
  const response = await sessionCall(h, session, 'POST', BASE, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as Record<string, any>;
}

describe('Kriten API not mounted', () => {
  for (const database of TEST_DATABASES) {
    it(`${database}: every Kriten route is a 404 by default and creates nothing`, async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      for (const [method, url] of [['POST', BASE], ['GET', BASE], ['GET', `${BASE}/all`], ['PATCH', `${BASE}/key_0123456789abcdefghij`], ['DELETE', `${BASE}/key_0123456789abcdefghij`]] as const) {
        const response = await sessionCall(h, owner, method, url, method === 'PATCH' || method === 'POST' ? { description: 'x' } : undefined);
        assert.equal(response.statusCode, 404, `${method} ${url}`);
        assert.equal(errorCode(response), 'NOT_FOUND');
      }
      assert.equal((await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'personal_token', now: h.clock.now(), limit: 10 })).length, 0);
    });
  }
});

for (const database of TEST_DATABASES) {
  describe(`${database}: Kriten API tokens (seed 004) over the personal-token service`, () => {
    it('creates a token with Kriten\'s body and answers Kriten\'s fields; the key is kri_… and works with the Token header', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const response = await sessionCall(h, alice.session, 'POST', BASE, { description: 'My personal API Token', enabled: true, expires: '2027-09-13T13:54:06Z' });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers['cache-control'], 'no-store');
      const token = response.json();
      assert.deepEqual(Object.keys(token).sort(), FIELDS);
      assert.match(token.key, /^kri_[A-Za-z0-9]{38}$/);
      assert.deepEqual([token.owner, token.description, token.enabled, token.expires], [alice.userId, 'My personal API Token', true, '2027-09-13T13:54:06.000Z']);
      assert.equal(token.created_at, token.updated_at);

      const stored = await storedKey(h, token.id);
      assert.deepEqual([stored?.kind, stored?.tokenType, stored?.ownerUserId, stored?.expiresAt, stored?.description], ['personal_token', 'pat', alice.userId, Date.parse('2027-09-13T13:54:06Z'), 'My personal API Token']);
      assert.equal((await auditRows(h, 'token.created')).filter((e) => e.target?.id === token.id).length, 1);

      // The secret has no type segment; its row says it is a personal token.
      const answer = await verify(h, { key: token.key });
      assert.deepEqual([answer.code, answer.keyId, answer.environment], ['VALID', token.id, 'pat']);
      const mine = await asToken(h, 'GET', BASE, token.key);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(mine.json().map((x: { id: string }) => x.id), [token.id]);
      assert.ok(!('key' in mine.json()[0]), 'a list never shows the secret');
    });

    it('an empty body is accepted: enabled, never expiring (Kriten\'s 0000-01-01)', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const first = await kritenToken(h, alice.session, { description: 'seed' });
      const response = await asToken(h, 'POST', BASE, first.key);
      assert.equal(response.statusCode, 201, response.body);
      const token = response.json();
      assert.deepEqual([token.description, token.enabled, token.expires, token.owner], ['', true, '0000-01-01T00:00:00Z', alice.userId]);
      assert.equal((await storedKey(h, token.id))?.expiresAt, null);
      // Kriten's own sentinel as input also means never.
      const never = await kritenToken(h, alice.session, { expires: '0000-01-01T00:00:00Z' });
      assert.equal((await storedKey(h, never.id))?.expiresAt, null);
    });

    it('lists only the caller\'s own; another user\'s token is a 404 to PATCH and DELETE and stays as it was', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const bob = await member(h, 'bob@acme.test');
      const aliceToken = await kritenToken(h, alice.session, { description: 'alice' });
      const bobToken = await kritenToken(h, bob.session, { description: 'bob' });
      assert.deepEqual((await asToken(h, 'GET', BASE, bobToken.key)).json().map((x: { id: string }) => x.id), [bobToken.id]);

      for (const [method, body] of [['PATCH', { enabled: false }], ['DELETE', undefined]] as const) {
        const refused = await asToken(h, method, `${BASE}/${aliceToken.id}`, bobToken.key, body);
        assert.equal(refused.statusCode, 404, `${method}: ${refused.body}`);
        assert.equal(errorCode(refused), 'NOT_FOUND');
      }
      const untouched = await storedKey(h, aliceToken.id);
      assert.deepEqual([untouched?.enabled, untouched?.revokedAt], [true, null]);
    });

    it('/all is for admins: a member is refused, the owner sees every member\'s tokens', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const bob = await member(h, 'bob@acme.test');
      const a = await kritenToken(h, alice.session, { description: 'alice' });
      const b = await kritenToken(h, bob.session, { description: 'bob' });
      const refused = await asToken(h, 'GET', `${BASE}/all`, a.key);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(errorCode(refused), 'PERMISSION_DENIED');
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const all = await sessionCall(h, owner, 'GET', `${BASE}/all`);
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json().map((x: { id: string }) => x.id).sort(), [a.id, b.id].sort());
      assert.deepEqual(all.json().find((x: { id: string }) => x.id === b.id).owner, bob.userId);
    });

    it('PATCH changes description, enabled and expires; DELETE removes the token; both audited', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const keep = await kritenToken(h, alice.session, { description: 'caller' });
      const token = await kritenToken(h, alice.session, { description: 'before', expires: '2027-01-01T00:00:00Z' });
      h.clock.advance(1000);
      const patched = await asToken(h, 'PATCH', `${BASE}/${token.id}`, keep.key, { description: 'after', enabled: false, expires: '0000-01-01T00:00:00Z' });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual([patched.json().description, patched.json().enabled, patched.json().expires], ['after', false, '0000-01-01T00:00:00Z']);
      assert.notEqual(patched.json().updated_at, patched.json().created_at);
      const stored = await storedKey(h, token.id);
      assert.deepEqual([stored?.description, stored?.enabled, stored?.expiresAt], ['after', false, null]);
      assert.equal((await verify(h, { key: token.key })).code, 'DISABLED');

      const deleted = await asToken(h, 'DELETE', `${BASE}/${token.id}`, keep.key);
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal(await storedKey(h, token.id), null);
      assert.equal((await verify(h, { key: token.key })).code, 'NOT_FOUND');
      assert.equal((await auditRows(h, 'token.updated')).filter((e) => e.target?.id === token.id).length, 1);
      assert.equal((await auditRows(h, 'token.deleted')).filter((e) => e.target?.id === token.id).length, 1);
    });

    it('the service\'s rules hold: an organization key cannot create one, bad input is a 400, no credential a 401', async (t) => {
      const h = await createTestApp(database, { env: KRITEN });
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const orgKey = await h.call('POST', BASE, h.ownerKey, { description: 'nobody' });
      assert.equal(orgKey.statusCode, 403, orgKey.body);
      assert.equal(errorCode(orgKey), 'PERMISSION_DENIED');
      for (const body of [{ enabled: 'yes' }, { expires: 'tomorrow' }, { expires: '2020-01-01T00:00:00Z' }, { description: 'x', owner: 'someone' }]) {
        const bad = await sessionCall(h, alice.session, 'POST', BASE, body);
        assert.equal(bad.statusCode, 400, `${JSON.stringify(body)}: ${bad.body}`);
      }
      assert.equal((await h.call('GET', BASE, null)).statusCode, 401);
      assert.equal((await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'personal_token', now: h.clock.now(), limit: 10 })).length, 0);
    });
  });
}
