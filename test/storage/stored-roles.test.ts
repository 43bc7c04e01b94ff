import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role } from '../../src/domain/roles.js';
import { createTestStorage, TEST_DATABASES } from '../helpers/test-databases.js';

/** A value no version of Latchkey writes: what a hand edit, or a role a later version dropped, would leave. */
const RETIRED = 'retired' as Role;

for (const database of TEST_DATABASES) {
  describe(`${database}: memberships and invitations are read as domain types`, () => {
    it('maps every field both ways, and a stored role outside ROLES reads as no membership or invitation at all', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const repos = storage.repos;
      await repos.organizations.insert({ id: 'org_a', name: 'Acme', createdAt: 1 });
      await repos.organizations.insert({ id: 'org_b', name: 'Beta', createdAt: 2 });
      await repos.users.insert({ id: 'usr_ann', email: 'ann@acme.test', name: 'Ann', passwordHash: 'h', createdAt: 3 });
      await repos.memberships.insert({ orgId: 'org_a', userId: 'usr_ann', role: 'admin', createdAt: 4 });
      await repos.memberships.insert({ orgId: 'org_b', userId: 'usr_ann', role: 'viewer', createdAt: 5 });

      assert.deepEqual(await repos.users.findByEmail('ANN@acme.test'), { id: 'usr_ann', email: 'ann@acme.test', name: 'Ann', passwordHash: 'h', createdAt: 3 });
      assert.deepEqual(await repos.memberships.find('org_a', 'usr_ann'), { orgId: 'org_a', userId: 'usr_ann', role: 'admin', createdAt: 4, email: 'ann@acme.test', name: 'Ann' });
      assert.deepEqual(await repos.memberships.firstForUser('usr_ann'), { orgId: 'org_a', userId: 'usr_ann', role: 'admin', createdAt: 4 });
      assert.deepEqual(await repos.memberships.listForUser('usr_ann'), [
        { membership: { orgId: 'org_a', userId: 'usr_ann', role: 'admin', createdAt: 4 }, organization: { id: 'org_a', name: 'Acme', createdAt: 1 } },
        { membership: { orgId: 'org_b', userId: 'usr_ann', role: 'viewer', createdAt: 5 }, organization: { id: 'org_b', name: 'Beta', createdAt: 2 } },
      ]);

      await repos.memberships.setRole('org_a', 'usr_ann', RETIRED);
      assert.equal(await repos.memberships.find('org_a', 'usr_ann'), null);
      assert.equal(await repos.memberships.findByEmail('org_a', 'ann@acme.test'), null);
      assert.deepEqual(await repos.memberships.list('org_a', 10), []);
      assert.deepEqual((await repos.memberships.listForUser('usr_ann')).map((m) => m.organization.id), ['org_b']);
      assert.equal((await repos.memberships.firstForUser('usr_ann'))?.orgId, 'org_b');

      const invitation = {
        id: 'inv_1',
        orgId: 'org_b',
        email: 'bob@acme.test',
        role: 'member' as const,
        tokenDigest: 'digest-1',
        invitedBy: { type: 'key' as const, id: 'key_1' },
        createdAt: 10,
        expiresAt: 100,
        acceptedAt: null,
        acceptedBy: null,
        revokedAt: null,
      };
      await repos.invitations.insert(invitation);
      assert.deepEqual(await repos.invitations.findByDigest('digest-1'), invitation);
      assert.deepEqual(await repos.invitations.listPending('org_b', 50, 10), [invitation]);
      assert.equal(await repos.invitations.markAccepted('inv_1', 'usr_bob', 50), true);
      assert.deepEqual(await repos.invitations.findByDigest('digest-1'), { ...invitation, acceptedAt: 50, acceptedBy: 'usr_bob' });
      assert.deepEqual(await repos.invitations.listPending('org_b', 50, 10), []);

      await repos.invitations.insert({ ...invitation, id: 'inv_2', tokenDigest: 'digest-2', email: 'cy@acme.test', role: RETIRED });
      assert.equal(await repos.invitations.findByDigest('digest-2'), null);
      assert.equal(await repos.invitations.findPending('org_b', 'inv_2', 50), null);
      assert.equal(await repos.invitations.findPendingByEmail('org_b', 'cy@acme.test', 50), null);
    });
  });
}
