import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secondOrganization, sessionCall } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

interface AuditJson {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string } | null;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
  details: Record<string, unknown> | null;
}

async function list(h: TestApp, query = '', secret = h.ownerKey): Promise<{ items: AuditJson[]; nextCursor: string | null }> {
  const response = await h.call('GET', `/v1/audit${query}`, secret);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

for (const database of TEST_DATABASES) {
  describe(`${database}: audit log`, () => {
    it('lists events newest first with who, what, where and the request, and reads one', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      h.clock.advance(1000);
      const created = await h.call('POST', '/v1/projects', h.ownerKey, { name: 'Audited' });
      const projectId = created.json().id;
      const ownerKeyId = (await h.call('GET', '/v1/whoami', h.ownerKey)).json().key.id;

      const { items } = await list(h);
      assert.equal(items[0]!.action, 'project.created');
      assert.deepEqual(items[0], {
        id: items[0]!.id,
        action: 'project.created',
        actor: { type: 'key', id: ownerKeyId },
        target: { type: 'project', id: projectId },
        ip: '127.0.0.1',
        requestId: created.headers['x-request-id'],
        createdAt: new Date(h.clock.now()).toISOString(),
        details: { name: 'Audited' },
      });
      assert.match(items[0]!.id, /^evt_[A-Za-z0-9]{20}$/);
      assert.deepEqual(
        items.slice(1).map((e) => e.action).sort(),
        ['key.created', 'member.added', 'organization.created'],
      );
      assert.equal(items.find((e) => e.action === 'organization.created')?.actor.id, null);

      const one = await h.call('GET', `/v1/audit/${items[0]!.id}`, h.ownerKey);
      assert.equal(one.statusCode, 200);
      assert.deepEqual(one.json(), items[0]);
      assert.equal((await h.call('GET', '/v1/audit/evt_00000000000000000000', h.ownerKey)).statusCode, 404);
    });

    it('filters by action, actor, target and time, and pages with a cursor bound to the filters', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const start = h.clock.now();
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three', 'four', 'five']) {
        h.clock.advance(1000);
        ids.push((await h.call('POST', '/v1/projects', h.ownerKey, { name })).json().id);
      }
      const ownerKeyId = (await h.call('GET', '/v1/whoami', h.ownerKey)).json().key.id;

      assert.equal((await list(h, '?action=project.created')).items.length, 5);
      assert.deepEqual((await list(h, `?targetId=${ids[2]}`)).items.map((e) => e.details?.name), ['three']);
      assert.equal((await list(h, `?actorId=${ownerKeyId}`)).items.length, 5);
      assert.equal((await list(h, '?actorId=usr_00000000000000000000')).items.length, 0);
      const since = new Date(start + 2000).toISOString();
      const until = new Date(start + 4000).toISOString();
      assert.deepEqual((await list(h, `?action=project.created&since=${since}&until=${until}`)).items.map((e) => e.details?.name), ['three', 'two']);

      const seen: string[] = [];
      let page = await list(h, '?action=project.created&limit=2');
      seen.push(...page.items.map((e) => String(e.details?.name)));
      while (page.nextCursor) {
        page = await list(h, `?action=project.created&limit=2&cursor=${page.nextCursor}`);
        seen.push(...page.items.map((e) => String(e.details?.name)));
      }
      assert.deepEqual(seen, ['five', 'four', 'three', 'two', 'one']);

      const first = await list(h, '?action=project.created&limit=2');
      const replayed = await h.call('GET', `/v1/audit?action=key.created&limit=2&cursor=${first.nextCursor}`, h.ownerKey);
      assert.equal(replayed.statusCode, 400);
      assert.equal(replayed.json().error.code, 'INVALID_CURSOR');
    });

    it("keeps each organization's log to itself", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const beta = await secondOrganization(h, OWNER_EMAIL, OWNER_PASSWORD);
      const betaLog = await sessionCall(h, beta.session, 'GET', '/v1/audit');
      assert.equal(betaLog.statusCode, 200);
      const betaEvent = betaLog.json().items[0];
      assert.ok(betaEvent);
      assert.equal((await h.call('GET', `/v1/audit/${betaEvent.id}`, h.ownerKey)).statusCode, 404);
      assert.ok(!(await list(h)).items.some((e) => e.id === betaEvent.id));
      assert.ok(!betaLog.json().items.some((e: AuditJson) => e.action === 'key.created'));
    });

    it('refuses project-restricted credentials and callers without latchkey:audit:read', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const project = (await h.call('POST', '/v1/projects', h.ownerKey, { name: 'P' })).json().id;
      const confined = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Confined', permissions: ['latchkey:audit:read'], projectIds: [project] })).json();
      const refused = await h.call('GET', '/v1/audit', confined.secret);
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, 'PERMISSION_DENIED');
      assert.equal(refused.json().error.details.reason, 'project_restricted');
      const eventId = (await list(h)).items[0]!.id;
      assert.equal((await h.call('GET', `/v1/audit/${eventId}`, confined.secret)).statusCode, 403);

      const other = (await h.call('POST', '/v1/keys', h.ownerKey, { name: 'Other', permissions: ['latchkey:keys:read'] })).json();
      const denied = await h.call('GET', '/v1/audit', other.secret);
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.details.required, 'latchkey:audit:read');
    });

    it('refuses bad queries with 400 VALIDATION_FAILED', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const query of ['?since=yesterday', '?until=2026-01-01', '?limit=0', '?limit=201', '?limit=ten', '?actor=someone', `?action=${'a'.repeat(101)}`]) {
        const response = await h.call('GET', `/v1/audit${query}`, h.ownerKey);
        assert.equal(response.statusCode, 400, query);
        assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      }
      assert.equal((await h.call('GET', '/v1/audit/prj_00000000000000000000', h.ownerKey)).statusCode, 400);
    });
  });
}
