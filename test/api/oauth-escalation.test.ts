import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOrganization } from '../helpers/key-fixtures.js';
import { addMember, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { basic, formPost, registerApp } from '../helpers/oauth-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: no OAuth path yields more than its user's role`, () => {
    it('a client credential is granting its user\'s role: only a caller who could grant that role may make one', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await addMember(h, 'ada@acme.test', 'admin', 'a long enough password');
      const memberId = await addMember(h, 'max@acme.test', 'member', 'a long enough password');
      const admin = await signIn(h, 'ada@acme.test', 'a long enough password');
      // An admin may not mint a credential that acts as the owner.
      const forOwner = await sessionCall(h, admin, 'POST', '/v1/oauth/clients', { userId: h.ownerUserId });
      assert.equal(forOwner.statusCode, 403, forOwner.body);
      // A key allowed only to manage OAuth may not mint one acting as a member either: the member's role holds more.
      const narrow = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'oauth only', permissions: ['latchkey:oauth:write'] })).json();
      const forMember = await h.call('POST', '/v1/oauth/clients', narrow.secret, { userId: memberId });
      assert.equal(forMember.statusCode, 403, forMember.body);
      assert.equal(forMember.json().error.code, 'PERMISSION_ESCALATION');
      const listed = await h.call('GET', '/v1/oauth/clients', h.ownerKey);
      assert.equal(listed.json().total, 0, 'nothing was stored');
    });

    it('an OAuth token cannot manage OAuth, and another organization\'s application is 404', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const created = (await h.call('POST', '/v1/oauth/clients', h.ownerKey, { userId: h.ownerUserId })).json();
      const token = (await formPost(h, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(created.client.clientId, created.clientSecret) })).json().access_token;
      assert.ok(token);
      const register = await h.call('POST', '/v1/oauth/applications', token, { name: 'x', redirectUris: ['https://x.example/cb'], scopes: ['*'] });
      assert.equal(register.statusCode, 403);
      const mint = await h.call('POST', '/v1/oauth/clients', token, { userId: h.ownerUserId });
      assert.equal(mint.statusCode, 403);
      const app = await registerApp(h);
      const beta = await addOrganization(h, 'Beta');
      assert.equal((await h.call('GET', `/v1/oauth/applications/${app.id}`, beta.ownerKey)).statusCode, 404);
      assert.equal((await h.call('DELETE', `/v1/oauth/applications/${app.id}`, beta.ownerKey)).statusCode, 404);
      assert.equal((await h.call('GET', `/v1/oauth/applications/${app.id}`, h.ownerKey)).statusCode, 200);
    });
  });
}
