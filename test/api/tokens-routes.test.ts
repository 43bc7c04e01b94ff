import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKey, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { addMember, sessionCall, signIn, type TestSession } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const DAY = 86_400_000;
const PASSWORD = 'a long enough password';

async function member(h: TestApp, email: string, role: 'member' | 'viewer' | 'admin' = 'member'): Promise<{ userId: string; session: TestSession }> {
  const userId = await addMember(h, email, role, PASSWORD);
  return { userId, session: await signIn(h, email, PASSWORD) };
}

async function createToken(h: TestApp, session: TestSession, body: Record<string, unknown>) {
  const response = await sessionCall(h, session, 'POST', '/v1/tokens', body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

for (const database of TEST_DATABASES) {
  describe(`${database}: personal access token routes`, () => {
    it('creates a token for the signed-in user: secret once, inheriting all of their rights when no permissions are given', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const response = await sessionCall(h, alice.session, 'POST', '/v1/tokens', { description: 'laptop CLI' });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers['cache-control'], 'no-store');
      const token = response.json();
      assert.match(token.secret, /^lk_pat_[A-Za-z0-9]{38}$/);
      assert.deepEqual(
        [token.kind, token.environment, token.name, token.description, token.permissions, token.ownerUserId, token.createdBy, token.status, token.expiresAt],
        ['personal_token', 'pat', 'laptop CLI', 'laptop CLI', ['*'], alice.userId, { type: 'user', id: alice.userId }, 'active', null],
      );
      const stored = await storedKey(h, token.id);
      assert.deepEqual([stored?.kind, stored?.ownerUserId, stored?.permissions], ['personal_token', alice.userId, ['*']]);

      const explicit = await createToken(h, alice.session, {
        name: 'ci', description: 'reads keys', permissions: ['latchkey:keys:read'], expiresIn: '30d', enabled: false,
      });
      assert.deepEqual([explicit.name, explicit.permissions, explicit.expiresAt, explicit.status], ['ci', ['latchkey:keys:read'], new Date(h.clock.now() + 30 * DAY).toISOString(), 'disabled']);
      const at = await createToken(h, alice.session, { description: 'dated', expiresAt: '2026-06-01T00:00:00Z' });
      assert.equal(at.expiresAt, '2026-06-01T00:00:00.000Z');

      // It works at once, through every credential header, and verifies as a personal token.
      assert.equal((await h.call('GET', '/v1/tokens', token.secret)).statusCode, 200);
      const answer = await verify(h, { key: token.secret });
      assert.deepEqual([answer.code, answer.keyId, answer.ownerUserId, answer.environment], ['VALID', token.id, alice.userId, 'pat']);

      for (const body of [{ description: 'x', secret: 'mine' }, { description: 'x', environment: 'live' }, { description: 'x', expiresAt: '2020-01-01T00:00:00Z' }]) {
        const bad = await sessionCall(h, alice.session, 'POST', '/v1/tokens', body);
        assert.equal(bad.statusCode, 400, JSON.stringify(body));
      }
    });

    it('an organization key cannot create a personal token (403): tokens belong to users', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const response = await h.call('POST', '/v1/tokens', h.ownerKey, { description: 'nobody' });
      assert.equal(response.statusCode, 403);
      assert.equal(errorCode(response), 'PERMISSION_DENIED');
      const list = await h.call('GET', '/v1/tokens', h.ownerKey);
      assert.deepEqual(list.json(), { items: [], nextCursor: null });
    });

    it('lists only your own tokens; ?all=true lists everyone\'s with latchkey:tokens:admin and is 403 without it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const bob = await member(h, 'bob@acme.test');
      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const aliceTokens = [await createToken(h, alice.session, { description: 'a1' }), await createToken(h, alice.session, { description: 'a2' })];
      const bobToken = await createToken(h, bob.session, { description: 'b1' });
      const ownerToken = await createToken(h, owner, { description: 'o1' });

      const ids = async (session: TestSession, query = '') => (await sessionCall(h, session, 'GET', `/v1/tokens${query}`)).json().items.map((k: { id: string }) => k.id).sort();
      assert.deepEqual(await ids(alice.session), aliceTokens.map((k) => k.id).sort());
      assert.deepEqual(await ids(bob.session), [bobToken.id]);
      assert.deepEqual(await ids(owner), [ownerToken.id]);
      assert.deepEqual(await ids(owner, '?all=true'), [...aliceTokens.map((k) => k.id), bobToken.id, ownerToken.id].sort());
      assert.deepEqual(await ids(owner, '?all=false'), [ownerToken.id]);
      assert.deepEqual(await ids(alice.session, '?search=A2'), [aliceTokens[1].id]);

      const denied = await sessionCall(h, alice.session, 'GET', '/v1/tokens?all=true');
      assert.equal(denied.statusCode, 403);
      assert.equal(errorCode(denied), 'PERMISSION_DENIED');
      assert.match(String(denied.headers['www-authenticate']), /scope="latchkey:tokens:admin"/);
      // An organization key with the admin permission sees them all too.
      const auditor = await createKey(h, { name: 'token auditor', permissions: ['latchkey:tokens:admin'] });
      const all = (await h.call('GET', '/v1/tokens?all=true&limit=2', auditor.secret)).json();
      assert.equal(all.items.length, 2);
      assert.ok(all.nextCursor);
      const rest = (await h.call('GET', `/v1/tokens?all=true&limit=2&cursor=${all.nextCursor}`, auditor.secret)).json();
      assert.equal(rest.items.length, 2);
      const mixed = await h.call('GET', `/v1/tokens?limit=2&cursor=${all.nextCursor}`, auditor.secret);
      assert.equal(errorCode(mixed), 'INVALID_CURSOR');
      // Org-key list filters are not token list filters.
      assert.equal((await sessionCall(h, alice.session, 'GET', '/v1/tokens?environment=live')).statusCode, 400);
    });

    it('updates description, enabled and expiry of your own token, and deletes it; permissions cannot be patched', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const token = await createToken(h, alice.session, { description: 'old' });
      const expiresAt = new Date(h.clock.now() + 5 * DAY).toISOString();
      const patched = await sessionCall(h, alice.session, 'PATCH', `/v1/tokens/${token.id}`, { description: 'new', enabled: false, expiresAt });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual([patched.json().description, patched.json().enabled, patched.json().expiresAt, patched.json().status], ['new', false, expiresAt, 'disabled']);
      const stored = await storedKey(h, token.id);
      assert.deepEqual([stored?.description, stored?.enabled, stored?.expiresAt], ['new', false, Date.parse(expiresAt)]);
      assert.equal(errorCode(await h.call('GET', '/v1/tokens', token.secret)), 'AUTH_DISABLED');

      for (const body of [{ permissions: ['*'] }, { projectIds: null }, { metadata: {} }, { expiresAt: '2025-01-01T00:00:00Z' }]) {
        const response = await sessionCall(h, alice.session, 'PATCH', `/v1/tokens/${token.id}`, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
      }
      const cleared = await sessionCall(h, alice.session, 'PATCH', `/v1/tokens/${token.id}`, { expiresAt: null, enabled: true });
      assert.deepEqual([cleared.json().expiresAt, cleared.json().status], [null, 'active']);
      assert.equal((await h.call('GET', '/v1/tokens', token.secret)).statusCode, 200);

      const deleted = await sessionCall(h, alice.session, 'DELETE', `/v1/tokens/${token.id}`);
      assert.equal(deleted.statusCode, 204);
      assert.equal(await storedKey(h, token.id), null);
      assert.equal(errorCode(await h.call('GET', '/v1/tokens', token.secret)), 'AUTH_INVALID');
    });

    it("another member's tokens are invisible (404) to a non-admin; an admin may manage but never regenerate them", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const alice = await member(h, 'alice@acme.test');
      const bob = await member(h, 'bob@acme.test');
      const token = await createToken(h, alice.session, { description: 'alice only' });
      const before = await storedKey(h, token.id);
      for (const [method, path, body] of [
        ['GET', '', undefined],
        ['PATCH', '', { description: 'mine now' }],
        ['DELETE', '', undefined],
        ['POST', '/disable', undefined],
        ['POST', '/revoke', undefined],
        ['POST', '/regenerate', {}],
      ] as const) {
        const response = await sessionCall(h, bob.session, method, `/v1/tokens/${token.id}${path}`, body);
        assert.equal(response.statusCode, 404, `${method} ${path}`);
        assert.equal(errorCode(response), 'NOT_FOUND');
      }
      assert.deepEqual(await storedKey(h, token.id), before);
      // An org key is not a token: the token routes do not find it, and vice versa.
      assert.equal((await h.call('GET', `/v1/keys/${token.id}`, h.ownerKey)).statusCode, 404);
      const orgKey = await createKey(h, { name: 'org' });
      assert.equal((await h.call('GET', `/v1/tokens/${orgKey.id}`, h.ownerKey)).statusCode, 404);

      const owner = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      assert.equal((await sessionCall(h, owner, 'GET', `/v1/tokens/${token.id}`)).json().description, 'alice only');
      const rolled = await sessionCall(h, owner, 'POST', `/v1/tokens/${token.id}/regenerate`, {});
      assert.equal(rolled.statusCode, 403);
      assert.equal(rolled.json().secret, undefined);
      assert.equal((await verify(h, { key: token.secret })).code, 'VALID');
      const disabled = await sessionCall(h, owner, 'POST', `/v1/tokens/${token.id}/disable`);
      assert.equal(disabled.json().status, 'disabled');
      assert.equal((await verify(h, { key: token.secret })).code, 'DISABLED');

      // Its own user may regenerate it.
      const own = await sessionCall(h, alice.session, 'POST', `/v1/tokens/${token.id}/regenerate`);
      assert.equal(own.statusCode, 200);
      assert.match(own.json().secret, /^lk_pat_/);
      assert.equal((await verify(h, { key: token.secret })).code, 'NOT_FOUND');
    });
  });
}
