import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changesBetween, snapshotDatabase } from '../fuzz/database-snapshot.js';
import { routesOf, type RouteSpec } from '../fuzz/openapi-routes.js';
import { addProject, createKey, declarePermissions } from '../helpers/key-fixtures.js';
import { addMember, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { OWNER_EMAIL, OWNER_PASSWORD, createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const UNSAFE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** The only mutations docs/api.md lets an anonymous caller make; a cookie means nothing to them. */
// The OAuth endpoints authenticate the client (RFC 6749 §2.3), not a session; the consent POST carries its own
// HMAC token bound to the session and every parameter (docs/oauth.md).
const PUBLIC_MUTATIONS = [
  'POST /oauth/authorize',
  'POST /oauth/introspect',
  'POST /oauth/revoke',
  'POST /oauth/token',
  'POST /v1/auth/sign-in',
  'POST /v1/invitations/accept-new-account',
  'POST /v1/setup',
];

/**
 * Every mutation a session can make must carry the session's CSRF token. The routes come from the app's own
 * OpenAPI document, so a route added later is covered without editing this file; each path parameter names a
 * real object, so a route that skipped the check would act (and the storage snapshot would show it).
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: CSRF on every cookie-authenticated mutation`, () => {
    it('refuses every unsafe method on every route with the session cookie but no (or a wrong) X-CSRF-Token, and changes nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.ready();
      await declarePermissions(h, ['orders:read']);
      const projectId = await addProject(h, 'Storefront');
      const key = await createKey(h, { name: 'victim key', permissions: ['orders:read'] });
      const memberId = await addMember(h, 'viewer@acme.test', 'viewer');
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const token = await sessionCall(h, session, 'POST', '/v1/tokens', { description: 'victim token' });
      assert.equal(token.statusCode, 201, token.body);

      // A real object for every path parameter, by the collection it sits in.
      const objects: Record<string, string> = {
        '/v1/keys/{id}': key.id,
        '/v1/tokens/{id}': token.json().id,
        '/v1/projects/{id}': projectId,
        '/v1/members/{userId}': memberId,
        '/v1/permissions/{name}': 'orders:read',
      };
      // A collection added later without a fixture here is still checked (the refusal comes before any lookup),
      // with an id that names nothing; the diagnostic says which, so a fixture can be added.
      const unfixed = new Set<string>();
      const urlOf = (route: RouteSpec): string =>
        route.path.replace(/^(\/v1\/[^/]+\/\{[^}]+\})/, (collection) => {
          const id = objects[collection];
          if (!id) unfixed.add(collection);
          return collection.replace(/\{[^}]+\}$/, encodeURIComponent(id ?? 'no_fixture_for_this_collection'));
        }).replace(/\{[^}]+\}/g, 'no_fixture');

      const unsafe = routesOf(h.app.swagger()).filter((route) => UNSAFE_METHODS.has(route.method));
      // A route that wants a credential answers an anonymous call with AUTH_MISSING; the session cookie is one.
      const needsCredential: RouteSpec[] = [];
      const anonymous: string[] = [];
      for (const route of unsafe) {
        const url = urlOf(route);
        const res = await h.call(route.method, url, null, route.body ? {} : undefined);
        if (res.statusCode === 401 && res.json().error.code === 'AUTH_MISSING') needsCredential.push(route);
        else anonymous.push(`${route.method} ${route.path}`);
      }
      assert.deepEqual(anonymous.sort(), PUBLIC_MUTATIONS, 'a mutation answers anonymous callers: if docs/api.md says it may, add it to PUBLIC_MUTATIONS');
      assert.ok(needsCredential.length >= 25, `only ${needsCredential.length} credential routes found`);
      t.diagnostic(`${needsCredential.length} cookie-authenticated mutations checked`);
      if (unfixed.size > 0) t.diagnostic(`no fixture object for ${[...unfixed].join(', ')}: checked with an id that names nothing`);

      const before = await snapshotDatabase(h.storage);
      const wrongSession = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const afterSignIn = await snapshotDatabase(h.storage);
      const refusedWrong: string[] = [];
      for (const route of needsCredential) {
        const url = urlOf(route);
        const body = route.body ? {} : undefined;
        for (const csrf of [undefined, 'not-the-token', wrongSession.csrfToken]) {
          const res = await h.call(route.method, url, null, body, { cookie: session.cookie, ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }) });
          const what = `${route.method} ${url} with ${csrf === undefined ? 'no' : 'a wrong'} X-CSRF-Token -> ${res.statusCode} ${res.body}`;
          if (res.statusCode !== 403 || res.json().error?.code !== 'CSRF_FAILED') {
            refusedWrong.push(what);
            continue;
          }
          assert.deepEqual(Object.keys(res.json().error).sort(), ['code', 'details', 'message', 'requestId'], what);
          assert.equal(res.json().error.requestId, res.headers['x-request-id'], what);
        }
      }
      assert.deepEqual(changesBetween(afterSignIn, await snapshotDatabase(h.storage)), {}, 'a refused mutation changed storage');
      assert.deepEqual(refusedWrong, [], 'mutations not refused with 403 CSRF_FAILED');
      assert.ok(Object.keys(changesBetween(before, afterSignIn)).length > 0, 'the snapshot sees a sign-in, so it would see a change');

      // The objects are still there and the same session, with its token, can still act on them.
      const stored = await h.storage.repos.keys.findById(h.orgId, key.id);
      assert.deepEqual([stored?.enabled, stored?.revokedAt], [true, null]);
      const allowed = await sessionCall(h, session, 'DELETE', `/v1/keys/${key.id}`);
      assert.equal(allowed.statusCode, 204, allowed.body);
    });
  });
}
