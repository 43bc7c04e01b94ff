import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetupService } from '../../src/services/setup-service.js';
import type { Repositories } from '../../src/storage/repositories.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const INPUT = { organizationName: 'Acme', email: 'Owner@Acme.test', password: 'correct horse battery staple', name: 'Olive Owner' };

/** The real repositories of the transaction, except that inserting the owner key fails, as a crash there would. */
function failingOnKeyInsert(tx: Repositories): Repositories {
  const keys = Object.create(tx.keys) as Repositories['keys'];
  keys.insert = async () => {
    throw new Error('injected failure: the process died while inserting the owner key');
  };
  return { ...tx, keys };
}

for (const database of TEST_DATABASES) {
  describe(`${database}: first-run setup is one transaction`, () => {
    it('a failure while inserting the owner key leaves the instance uninitialized, and setup can be run again', async (t) => {
      const h = await createTestApp(database, { uninitialized: true });
      t.after(() => h.close());
      const broken = new SetupService(h.latchkey.ctx, failingOnKeyInsert);
      await assert.rejects(broken.initialize(INPUT), /injected failure/);

      assert.equal(await h.latchkey.setup.isInitialized(), false);
      assert.equal(await h.storage.repos.organizations.count(), 0);
      assert.equal(await h.storage.repos.users.findByEmail('owner@acme.test'), null);
      assert.deepEqual((await h.call('GET', '/v1/setup', null)).json(), { initialized: false });

      const retried = await h.call('POST', '/v1/setup', null, INPUT);
      assert.equal(retried.statusCode, 201, retried.body);
      const { organizationId, userId, ownerKey } = retried.json();
      assert.equal(await h.storage.repos.organizations.count(), 1);
      assert.equal((await h.storage.repos.memberships.find(organizationId, userId))?.role, 'owner');
      const stored = await h.storage.repos.keys.findById(organizationId, ownerKey.id);
      assert.deepEqual([stored?.permissions, stored?.createdBy, stored?.name], [['*'], { type: 'user', id: userId }, 'Owner key']);
      const actions = (await h.storage.repos.audit.list({ orgId: organizationId, limit: 10 })).map((r) => r.action).sort();
      assert.deepEqual(actions, ['key.created', 'member.added', 'organization.created']);
      const works = await h.call('GET', '/v1/keys', ownerKey.secret);
      assert.equal(works.statusCode, 200);
      assert.deepEqual(works.json().items.map((k: { id: string }) => k.id), [ownerKey.id]);
    });

    it('two first runs racing: exactly one succeeds and the others answer 409 ALREADY_INITIALIZED', async (t) => {
      const h = await createTestApp(database, { uninitialized: true, env: { LATCHKEY_AUTH_FAILURE_LIMIT: '1000/60s' } });
      t.after(() => h.close());
      const racing = await Promise.all(
        Array.from({ length: 8 }, (_, i) => h.call('POST', '/v1/setup', null, { ...INPUT, organizationName: `Org ${i}`, email: `owner${i}@acme.test` })),
      );
      const statuses = racing.map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of racing.filter((r) => r.statusCode === 409)) assert.equal(r.json().error.code, 'ALREADY_INITIALIZED');
      assert.equal(await h.storage.repos.organizations.count(), 1);
      const winner = racing.find((r) => r.statusCode === 201)!.json();
      assert.ok(await h.storage.repos.keys.findById(winner.organizationId, winner.ownerKey.id));
    });
  });
}
