import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { createKey } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

for (const database of TEST_DATABASES) {
  describe(`${database}: a row named by a change that is already gone`, () => {
    it('a foreign-key violation inside a transaction is 409 CONCURRENT_CHANGE, and nothing of the transaction is stored', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'linked' });
      await assert.rejects(
        h.storage.transaction(async (tx) => {
          await tx.keys.update(h.orgId, key.id, { name: 'half done' });
          await tx.keys.replaceProjects(h.orgId, key.id, ['prj_00000000000000000000']);
        }),
        (error) => error instanceof AppError && error.code === 'CONCURRENT_CHANGE' && error.status === 409,
      );
      const stored = await h.storage.repos.keys.findById(h.orgId, key.id);
      assert.deepEqual([stored?.name, stored?.projectIds], ['linked', null]);
    });
  });
}
