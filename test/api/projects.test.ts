import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import { memberPrincipal, auditRows, secondOrganization, sessionCall } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

async function createProject(h: TestApp, name: string, secret = h.ownerKey): Promise<string> {
  const response = await h.call('POST', '/v1/projects', secret, { name });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().id;
}

async function createKey(h: TestApp, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await h.call('POST', '/v1/keys', h.ownerKey, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

const PROJECT_PERMISSIONS = ['latchkey:projects:read', 'latchkey:projects:write'];

for (const database of TEST_DATABASES) {
  describe(`${database}: projects`, () => {
    it('creates, lists, reads, renames and deletes a project, auditing each change', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());

      const created = await h.call('POST', '/v1/projects', h.ownerKey, { name: 'Mobile app', description: 'iOS and Android' });
      assert.equal(created.statusCode, 201);
      const project = created.json();
      assert.match(project.id, /^prj_[A-Za-z0-9]{20}$/);
      assert.deepEqual(
        { name: project.name, description: project.description, createdAt: project.createdAt },
        { name: 'Mobile app', description: 'iOS and Android', createdAt: new Date(h.clock.now()).toISOString() },
      );

      const read = await h.call('GET', `/v1/projects/${project.id}`, h.ownerKey);
      assert.equal(read.statusCode, 200);
      assert.deepEqual(read.json(), project);

      h.clock.advance(1000);
      const renamed = await h.call('PATCH', `/v1/projects/${project.id}`, h.ownerKey, { name: 'Mobile' });
      assert.equal(renamed.statusCode, 200);
      assert.equal(renamed.json().name, 'Mobile');
      assert.equal(renamed.json().description, 'iOS and Android');
      assert.equal(renamed.json().updatedAt, new Date(h.clock.now()).toISOString());
      assert.equal((await h.storage.repos.projects.findById(h.orgId, project.id))?.name, 'Mobile');

      const deleted = await h.call('DELETE', `/v1/projects/${project.id}`, h.ownerKey);
      assert.equal(deleted.statusCode, 204);
      assert.equal((await h.call('GET', `/v1/projects/${project.id}`, h.ownerKey)).statusCode, 404);
      assert.equal(await h.storage.repos.projects.findById(h.orgId, project.id), null);

      for (const action of ['project.created', 'project.updated', 'project.deleted']) {
        const [row] = await auditRows(h, action);
        assert.equal(row?.target?.id, project.id, action);
        assert.equal(row?.actor.type, 'key');
      }
      assert.deepEqual((await auditRows(h, 'project.updated'))[0]!.details!, { changed: ['name'], from: 'Mobile app', to: 'Mobile' });
    });

    it('refuses a second project with the same name, on create and on rename', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await createProject(h, 'Web');
      const other = await createProject(h, 'API');

      const duplicate = await h.call('POST', '/v1/projects', h.ownerKey, { name: 'Web' });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().error.code, 'NAME_TAKEN');
      const rename = await h.call('PATCH', `/v1/projects/${other}`, h.ownerKey, { name: 'Web' });
      assert.equal(rename.statusCode, 409);
      assert.equal(rename.json().error.code, 'NAME_TAKEN');

      assert.equal((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).length, 2);
      assert.equal((await h.storage.repos.projects.findById(h.orgId, other))?.name, 'API');
      assert.equal((await auditRows(h, 'project.created')).length, 2);
      assert.equal((await auditRows(h, 'project.updated')).length, 0);
    });

    it('pages through projects by name with a cursor and searches by case-insensitive name prefix', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const name of ['delta', 'Alpha', 'charlie', 'Bravo', 'alpine']) await createProject(h, name);

      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ name: string }>; nextCursor: string | null } = (
          await h.call('GET', `/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`, h.ownerKey)
        ).json();
        assert.ok(page.items.length <= 2);
        names.push(...page.items.map((p) => p.name));
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(names.length, 5);
      assert.deepEqual(new Set(names), new Set(['delta', 'Alpha', 'charlie', 'Bravo', 'alpine']));

      const search = await h.call('GET', '/v1/projects?search=ALP', h.ownerKey);
      assert.deepEqual(search.json().items.map((p: { name: string }) => p.name).sort(), ['Alpha', 'alpine']);
      const none = await h.call('GET', '/v1/projects?search=%25', h.ownerKey);
      assert.deepEqual(none.json().items, []);

      const first = (await h.call('GET', '/v1/projects?limit=1', h.ownerKey)).json();
      const replayed = await h.call('GET', `/v1/projects?limit=1&search=a&cursor=${first.nextCursor}`, h.ownerKey);
      assert.equal(replayed.statusCode, 400);
      assert.equal(replayed.json().error.code, 'INVALID_CURSOR');
    });

    it("answers 404 for another organization's project, exactly as for one that does not exist", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const created = await sessionCall(h, beta.session, 'POST', '/v1/projects', { name: 'Beta only' });
      assert.equal(created.statusCode, 201);
      const foreign = created.json().id;
      const missing = 'prj_00000000000000000000';

      for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'Taken over' }], ['DELETE', undefined]] as const) {
        const there = await h.call(method, `/v1/projects/${foreign}`, h.ownerKey, body);
        const nowhere = await h.call(method, `/v1/projects/${missing}`, h.ownerKey, body);
        assert.equal(there.statusCode, 404, method);
        assert.deepEqual({ ...there.json().error, requestId: null }, { ...nowhere.json().error, requestId: null });
      }
      assert.deepEqual((await h.call('GET', '/v1/projects', h.ownerKey)).json().items, []);
      const stored = await h.storage.repos.projects.findById(beta.orgId, foreign);
      assert.equal(stored?.name, 'Beta only');
    });

    it('confines a project-restricted key to its own projects', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const mine = await createProject(h, 'Mine');
      const theirs = await createProject(h, 'Theirs');
      const key = await createKey(h, { name: 'Confined', permissions: PROJECT_PERMISSIONS, projectIds: [mine] });

      const list = await h.call('GET', '/v1/projects', key.secret);
      assert.deepEqual(list.json().items.map((p: { id: string }) => p.id), [mine]);
      assert.equal((await h.call('GET', `/v1/projects/${mine}`, key.secret)).statusCode, 200);

      const missing = await h.call('GET', '/v1/projects/prj_00000000000000000000', key.secret);
      for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'Renamed' }]] as const) {
        const response = await h.call(method, `/v1/projects/${theirs}`, key.secret, body);
        assert.equal(response.statusCode, 404, method);
        assert.deepEqual({ ...response.json().error, requestId: null }, { ...missing.json().error, requestId: null });
      }
      assert.equal((await h.storage.repos.projects.findById(h.orgId, theirs))?.name, 'Theirs');

      // Creating and deleting projects are organization-wide: refused for every id alike, its own project included,
      // so the answer says nothing about which projects exist.
      const create = await h.call('POST', '/v1/projects', key.secret, { name: 'Outside' });
      assert.equal(create.statusCode, 403);
      assert.equal(create.json().error.code, 'PERMISSION_DENIED');
      for (const id of [theirs, mine, 'prj_00000000000000000000']) {
        const response = await h.call('DELETE', `/v1/projects/${id}`, key.secret);
        assert.equal(response.statusCode, 403, id);
        assert.deepEqual(response.json().error.details, { reason: 'project_restricted' });
      }
      assert.equal((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).length, 2);
      assert.deepEqual((await h.storage.repos.keys.findById(h.orgId, key.id))?.projectIds, [mine]);
    });

    it('deleting a project narrows every key that named it and revokes the keys it leaves with no project', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const doomed = await createProject(h, 'Doomed');
      const kept = await createProject(h, 'Kept');
      const both = await createKey(h, { name: 'Both', permissions: PROJECT_PERMISSIONS, projectIds: [doomed, kept] });
      const only = await createKey(h, { name: 'Only', permissions: PROJECT_PERMISSIONS, projectIds: [doomed] });
      const everywhere = await createKey(h, { name: 'Everywhere', permissions: PROJECT_PERMISSIONS });
      const owner = memberPrincipal(h.orgId, h.ownerUserId, 'owner');
      const pat = await h.latchkey.tokens.create(owner, { description: 'confined token', projectIds: [doomed] }, NO_REQUEST);

      // Warm the verification cache, so the test also proves the deletion reaches it.
      assert.equal((await h.call('GET', '/v1/projects', only.secret)).statusCode, 200);
      assert.equal((await h.call('GET', '/v1/projects', pat.secret)).statusCode, 200);

      h.clock.advance(1000);
      assert.equal((await h.call('DELETE', `/v1/projects/${doomed}`, h.ownerKey)).statusCode, 204);

      const stored = async (id: string) => (await h.storage.repos.keys.findById(h.orgId, id))!;
      assert.deepEqual((await stored(both.id)).projectIds, [kept]);
      assert.equal((await stored(both.id)).revokedAt, null);
      assert.deepEqual((await stored(only.id)).projectIds, []);
      assert.equal((await stored(only.id)).revokedAt, h.clock.now());
      assert.equal((await stored(pat.key.id)).revokedAt, h.clock.now());
      assert.equal((await stored(everywhere.id)).projectIds, null);
      assert.equal((await stored(everywhere.id)).revokedAt, null);

      const refused = await h.call('GET', '/v1/projects', only.secret);
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().error.code, 'AUTH_REVOKED');
      assert.equal((await h.call('GET', '/v1/projects', pat.secret)).json().error.code, 'AUTH_REVOKED');
      const verified = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: only.secret });
      assert.equal(verified.json().code, 'REVOKED');
      assert.equal((await h.call('GET', '/v1/projects', both.secret)).statusCode, 200);

      assert.deepEqual((await auditRows(h, 'key.revoked')).map((r) => r.target?.id), [only.id]);
      assert.deepEqual((await auditRows(h, 'token.revoked')).map((r) => r.target?.id), [pat.key.id]);
      const [deletion] = await auditRows(h, 'project.deleted');
      assert.deepEqual(deletion!.details!, { name: 'Doomed', affectedKeys: 3, revokedKeys: 2 });
    });

    it('refuses bad input with 400 VALIDATION_FAILED and stores nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const id = await createProject(h, 'Existing');
      const bodies: unknown[] = [
        { name: 'x', owner: 'me' },
        { name: { text: 'x' } },
        { name: '' },
        { name: 'x'.repeat(101) },
        { name: 'line\nbreak' },
        { name: 'ok', description: 'd'.repeat(1001) },
        {},
      ];
      for (const body of bodies) {
        const response = await h.call('POST', '/v1/projects', h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      for (const body of [{}, { orgId: 'org_00000000000000000000' }, { name: null }]) {
        const response = await h.call('PATCH', `/v1/projects/${id}`, h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      assert.equal((await h.call('GET', '/v1/projects/not-an-id', h.ownerKey)).json().error.code, 'VALIDATION_FAILED');
      assert.equal((await h.call('GET', '/v1/projects?limit=0', h.ownerKey)).json().error.code, 'VALIDATION_FAILED');
      assert.equal((await h.call('GET', '/v1/projects?limit=201', h.ownerKey)).json().error.code, 'VALIDATION_FAILED');

      const projects = await h.storage.repos.projects.list(h.orgId, { limit: 10 });
      assert.deepEqual(projects.map((p) => p.name), ['Existing']);
      assert.equal((await auditRows(h, 'project.created')).length, 1);
      assert.equal((await auditRows(h, 'project.updated')).length, 0);
    });

    it('needs latchkey:projects:read to read and :write to change', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const reader = await createKey(h, { name: 'Reader', permissions: ['latchkey:projects:read'] });
      const nobody = await createKey(h, { name: 'Nobody', permissions: ['latchkey:keys:read'] });
      assert.equal((await h.call('GET', '/v1/projects', reader.secret)).statusCode, 200);
      const write = await h.call('POST', '/v1/projects', reader.secret, { name: 'Nope' });
      assert.equal(write.statusCode, 403);
      assert.deepEqual(write.json().error.details, { required: 'latchkey:projects:write' });
      assert.match(String(write.headers['www-authenticate']), /insufficient_scope/);
      assert.equal((await h.call('GET', '/v1/projects', nobody.secret)).json().error.details.required, 'latchkey:projects:read');
      assert.equal((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).length, 0);
    });
  });
}
