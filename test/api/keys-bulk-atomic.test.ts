import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditRepository } from '../../src/storage/repositories/audit-repository.js';
import { KeyRepository } from '../../src/storage/repositories/key-repository.js';
import { errorCode, insertKeys, verify } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const KEY_WRITES = ['update', 'updateMany', 'deleteMany', 'retireSecrets', 'addSecrets', 'replaceProjects'] as const;

/**
 * Wraps the real repositories (every instance, including those bound to a transaction) so that the n-th write
 * after `arm()` throws. The database underneath is real: only the failure is injected.
 */
function failNthWrite(n: number): { arm(): void; writes(): number; restore(): void } {
  let armed = false;
  let count = 0;
  const originals: Array<() => void> = [];
  const wrap = (proto: Record<string, unknown>, name: string) => {
    const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      if (armed && ++count === n) throw new Error(`injected failure at write ${n} (${name})`);
      return original.apply(this, args);
    };
    originals.push(() => {
      proto[name] = original;
    });
  };
  for (const name of KEY_WRITES) wrap(KeyRepository.prototype as unknown as Record<string, unknown>, name);
  wrap(AuditRepository.prototype as unknown as Record<string, unknown>, 'insertMany');
  return {
    arm: () => {
      armed = true;
      count = 0;
    },
    writes: () => count,
    restore: () => originals.forEach((undo) => undo()),
  };
}

async function snapshot(h: TestApp, ids: string[]) {
  const keys = await h.storage.repos.keys.findManyByIds(h.orgId, ids, 'org_key');
  const audit = await h.storage.repos.audit.list({ orgId: h.orgId, limit: 1000 });
  return { keys: keys.sort((a, b) => a.id.localeCompare(b.id)), audit: audit.length };
}

for (const database of TEST_DATABASES) {
  describe(`${database}: bulk actions are one transaction`, () => {
    for (const action of ['revoke', 'delete', 'disable', 'enable', 'regenerate'] as const) {
      it(`${action}: a failure after the first write leaves every key, secret and audit row as it was`, async (t) => {
        const h = await createTestApp(database);
        t.after(() => h.close());
        const made = await insertKeys(h, 6, action === 'enable' ? { enabled: false } : {});
        const ids = made.map((k) => k.id);
        const before = await snapshot(h, ids);
        const injected = failNthWrite(2);
        t.after(() => injected.restore());
        injected.arm();
        const response = await h.call('POST', '/v1/keys/bulk', h.ownerKey, { action, ids });
        assert.equal(injected.writes(), 2, 'one write reached the database before the failure');
        injected.restore();
        assert.equal(response.statusCode, 500, response.body);
        assert.equal(errorCode(response), 'INTERNAL');
        assert.deepEqual(await snapshot(h, ids), before);
        // The secrets are the ones they were: nothing was rolled, revoked or deleted.
        for (const { secret } of made) assert.equal((await verify(h, { key: secret })).code, action === 'enable' ? 'DISABLED' : 'VALID');
      });
    }
  });
}
