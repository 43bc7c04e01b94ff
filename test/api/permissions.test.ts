import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addMember, auditRows, secondOrganization, sessionCall, signIn } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

function permissionsFile(permissions: Record<string, string>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'latchkey-permissions-')), 'permissions.json');
  writeFileSync(path, JSON.stringify({ permissions }));
  return path;
}

async function declared(h: TestApp, orgId = h.orgId): Promise<string[]> {
  return (await h.storage.repos.permissions.list(orgId)).map((p) => p.name);
}

for (const database of TEST_DATABASES) {
  describe(`${database}: permission catalog`, () => {
    it("lists Latchkey's, the deployment's and the organization's permissions with read/write/admin presets", async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_PERMISSIONS_FILE: permissionsFile({ 'deploy': 'Ship it.', 'reports:read': 'Read reports.' }) } });
      t.after(() => h.close());
      for (const name of ['tests:read', 'tests:write', 'tests:admin']) {
        const response = await h.call('POST', '/v1/permissions', h.ownerKey, { name, description: `The ${name} permission.` });
        assert.equal(response.statusCode, 201);
        assert.deepEqual(response.json(), { name, description: `The ${name} permission.`, source: 'organization' });
      }

      const catalog = await h.call('GET', '/v1/permissions', h.ownerKey);
      assert.equal(catalog.statusCode, 200);
      const { permissions, presets } = catalog.json();
      const source = (name: string) => permissions.find((p: { name: string }) => p.name === name)?.source;
      assert.equal(source('latchkey:keys:read'), 'latchkey');
      assert.equal(source('deploy'), 'config');
      assert.equal(source('tests:write'), 'organization');
      assert.deepEqual(presets.read.sort(), ['reports:read', 'tests:read']);
      assert.deepEqual(presets.write.sort(), ['reports:read', 'tests:read', 'tests:write']);
      assert.deepEqual(presets.admin.sort(), ['deploy', 'reports:read', 'tests:admin', 'tests:read', 'tests:write']);

      const [row] = await auditRows(h, 'permission.created');
      assert.equal(row?.target?.type, 'permission');
      assert.deepEqual((await auditRows(h, 'permission.created')).map((r) => r.target?.id).sort(), ['tests:admin', 'tests:read', 'tests:write']);
    });

    it('refuses names that are taken, malformed, wildcards or in the latchkey: namespace, storing nothing', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_PERMISSIONS_FILE: permissionsFile({ deploy: 'Ship it.' }) } });
      t.after(() => h.close());
      assert.equal((await h.call('POST', '/v1/permissions', h.ownerKey, { name: 'tests:read', description: '' })).statusCode, 201);

      for (const name of ['tests:read', 'deploy', 'latchkey:keys:read']) {
        const response = await h.call('POST', '/v1/permissions', h.ownerKey, { name, description: 'again' });
        assert.equal(response.statusCode, name.startsWith('latchkey:') ? 400 : 409, name);
        if (!name.startsWith('latchkey:')) assert.equal(response.json().error.code, 'NAME_TAKEN');
      }
      const bodies: unknown[] = [
        { name: 'tests:*', description: '' },
        { name: '*', description: '' },
        { name: 'Tests:Read', description: '' },
        { name: 'tests read', description: '' },
        { name: 'latchkey:things:read', description: '' },
        { name: `a${':b'.repeat(64)}`, description: '' },
        { name: 'ok:read', description: 'd'.repeat(1001) },
        { name: 'ok:read' },
        { name: 'ok:read', description: '', source: 'latchkey' },
        { name: { value: 'ok:read' }, description: '' },
      ];
      for (const body of bodies) {
        const response = await h.call('POST', '/v1/permissions', h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      assert.deepEqual(await declared(h), ['tests:read']);
      assert.equal((await auditRows(h, 'permission.created')).length, 1);
    });

    it("removes a declared permission, but not Latchkey's, the deployment's or another organization's", async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_PERMISSIONS_FILE: permissionsFile({ deploy: 'Ship it.' }) } });
      t.after(() => h.close());
      await h.call('POST', '/v1/permissions', h.ownerKey, { name: 'tests:read', description: '' });
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      assert.equal((await sessionCall(h, beta.session, 'POST', '/v1/permissions', { name: 'beta:read', description: '' })).statusCode, 201);

      assert.equal((await h.call('DELETE', '/v1/permissions/beta:read', h.ownerKey)).statusCode, 404);
      assert.equal((await h.call('DELETE', '/v1/permissions/deploy', h.ownerKey)).statusCode, 400);
      assert.equal((await h.call('DELETE', '/v1/permissions/latchkey:keys:read', h.ownerKey)).statusCode, 400);
      assert.equal((await h.call('DELETE', '/v1/permissions/nothing:here', h.ownerKey)).statusCode, 404);
      assert.deepEqual(await declared(h, beta.orgId), ['beta:read']);

      const removed = await h.call('DELETE', '/v1/permissions/tests:read', h.ownerKey);
      assert.equal(removed.statusCode, 204);
      assert.deepEqual(await declared(h), []);
      assert.equal((await h.call('DELETE', '/v1/permissions/tests:read', h.ownerKey)).statusCode, 404);
      const [row] = await auditRows(h, 'permission.deleted');
      assert.equal(row?.target?.id, 'tests:read');
      const grant = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'k', permissions: ['tests:read'] });
      assert.equal(grant.json().error.code, 'UNKNOWN_PERMISSION');
    });

    it('lets every role read the catalog and only permission writers change it', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await addMember(h, 'viewer@acme.test', 'viewer');
      const viewer = await signIn(h, 'viewer@acme.test', 'a long enough password');
      assert.equal((await sessionCall(h, viewer, 'GET', '/v1/permissions')).statusCode, 200);
      const write = await sessionCall(h, viewer, 'POST', '/v1/permissions', { name: 'x:read', description: '' });
      assert.equal(write.statusCode, 403);
      assert.equal(write.json().error.details.required, 'latchkey:permissions:write');
      const key = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'k', permissions: ['latchkey:keys:read'] })).json().secret;
      assert.equal((await h.call('GET', '/v1/permissions', key)).statusCode, 403);
      assert.deepEqual(await declared(h), []);
    });
  });
}
