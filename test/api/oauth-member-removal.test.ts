import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, signIn } from '../helpers/org-fixtures.js';
import { authorizationCode, basic, formPost, REDIRECT_URI, registerApp } from '../helpers/oauth-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: a member who leaves takes their OAuth authority with them (OA-20)`, () => {
    it('revokes their grants, refresh and access tokens, and deletes their client credential, in the removal', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const app = await registerApp(h);
      const userId = await addMember(h, 'mia@acme.test', 'admin', 'a long enough password');
      const session = await signIn(h, 'mia@acme.test', 'a long enough password');
      const code = await authorizationCode(h, session, app.clientId);
      const tokens = (await formPost(h, '/oauth/token', { grant_type: 'authorization_code', code: code.code, redirect_uri: REDIRECT_URI, code_verifier: code.verifier }, { authorization: basic(app.clientId, app.clientSecret!) })).json();
      assert.ok(tokens.refresh_token);
      const credential = await h.call('POST', '/v1/oauth/clients', h.ownerKey, { userId });
      assert.equal(credential.statusCode, 201);

      assert.equal((await h.call('DELETE', `/v1/members/${userId}`, h.ownerKey)).statusCode, 204);
      assert.equal((await h.call('GET', '/v1/projects', tokens.access_token)).statusCode, 401);
      const refresh = await formPost(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { authorization: basic(app.clientId, app.clientSecret!) });
      assert.equal(refresh.json().error, 'invalid_grant');
      // What storage holds: the grant revoked, the access token revoked (not merely unknown), the credential gone.
      const grants = await h.storage.repos.oauth.listGrants(h.orgId, userId);
      assert.deepEqual(grants, []);
      const keys = await h.storage.repos.keys.findManyByIds(h.orgId, await h.storage.repos.keys.personalKeyIdsOf(h.orgId, userId), 'oauth_token');
      assert.ok(keys.length > 0 && keys.every((k) => k.revokedAt !== null));
      assert.equal(await h.storage.repos.oauth.findUserCredential(h.orgId, userId), null);
    });
  });
}
