import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { TransactionMisuseError } from '../../src/storage/transaction-misuse-error.js';
import { createTestStorage, TEST_DATABASES } from '../helpers/test-databases.js';

/** Long enough for any real statement here, far shorter than "for ever": a hang fails the test, not the run. */
const HANG_MS = 5_000;

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${HANG_MS} ms: the misuse hung instead of throwing`)), HANG_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const isMisuse = (error: unknown) => error instanceof TransactionMisuseError && /use only the repositories in `tx`/.test(error.message);

for (const database of TEST_DATABASES) {
  describe(`${database}: inside a transaction only its own repositories work`, () => {
    it('storage.run from inside a transaction throws at once, and the transaction rolls back', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      await assert.rejects(
        withinDeadline(
          storage.transaction(async (tx) => {
            await tx.organizations.insert({ id: 'org_inside', name: 'inside', createdAt: 1 });
            await storage.run((repos) => repos.organizations.count());
          }),
        ),
        isMisuse,
      );
      assert.equal(await storage.run((repos) => repos.organizations.findById('org_inside')), null, 'nothing of the transaction is stored');
    });

    it('repositories obtained outside and captured by the closure throw too, even after other awaits', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const outside = storage.repos;
      await assert.rejects(
        withinDeadline(
          storage.transaction(async (tx) => {
            await tx.organizations.insert({ id: 'org_captured', name: 'captured', createdAt: 1 });
            await new Promise((resolve) => setTimeout(resolve, 5));
            await outside.organizations.findById('org_captured');
          }),
        ),
        isMisuse,
      );
      assert.equal(await outside.organizations.findById('org_captured'), null);
    });

    it('a transaction nested inside another throws at once', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      await assert.rejects(
        withinDeadline(storage.transaction(() => storage.transaction((inner) => inner.organizations.count()))),
        isMisuse,
      );
    });

    it('the misuse is not mistaken for a conflict or a storage fault, and storage keeps working afterwards', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const misuse = await storage
        .transaction(() => storage.run((repos) => repos.organizations.count()), () => new AppError('NAME_TAKEN'))
        .catch((error: unknown) => error);
      assert.ok(misuse instanceof TransactionMisuseError, 'neither AppError nor STORAGE_UNAVAILABLE');
      assert.equal(storage.health.failingSince, 0, 'storage health is untouched');
      await storage.transaction((tx) => tx.organizations.insert({ id: 'org_after', name: 'after', createdAt: 1 }));
      assert.equal((await storage.run((repos) => repos.organizations.findById('org_after')))?.name, 'after');
      assert.equal(await storage.run((repos) => repos.organizations.count()), 1);
    });

    it('work outside a transaction runs while another request holds one open', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      let release!: () => void;
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const held = storage.transaction(async (tx) => {
        await tx.organizations.insert({ id: 'org_held', name: 'held', createdAt: 1 });
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await inside;
      // A separate request (its own async context): it waits its turn on SQLite's one connection, never refused.
      const outside = storage.run((repos) => repos.organizations.count());
      release();
      await held;
      assert.equal(await withinDeadline(outside), 1);
    });

    // The context is switched on only while a transaction is open (transaction-context.ts): the guard must hold
    // in a transaction that outlives the one that switched it on, and again once everything closed and reopened.
    it('the guard holds in overlapping transactions and after every transaction has ended', async (t) => {
      const { storage, destroy } = await createTestStorage(database);
      t.after(destroy);
      const outside = storage.repos;
      // SQLite has one connection, so its transactions never overlap; there only the reopening half applies.
      if (storage.dialectName === 'postgres') {
        let releaseFirst!: () => void;
        let firstEntered!: () => void;
        const entered = new Promise<void>((resolve) => (firstEntered = resolve));
        const first = storage.transaction(async () => {
          firstEntered();
          await new Promise<void>((resolve) => (releaseFirst = resolve));
        });
        await entered;
        const second = storage.transaction(async (tx) => {
          // Ends while this one is still open: this transaction's context must not be switched off with it.
          releaseFirst();
          await first;
          await tx.organizations.count();
          await outside.organizations.count();
        });
        await assert.rejects(withinDeadline(second), isMisuse);
      }
      await storage.transaction((tx) => tx.organizations.count());
      await assert.rejects(withinDeadline(storage.transaction(() => outside.organizations.count())), isMisuse);
      assert.equal(await storage.run((repos) => repos.organizations.count()), 0, 'outside every transaction the repositories work');
    });
  });
}
