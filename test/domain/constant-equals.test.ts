import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { constantEquals } from '../../src/domain/constant-equals.js';
import { hashPassword, verifyPassword } from '../../src/domain/password-hash.js';
import { sessionCall, signIn } from '../helpers/org-fixtures.js';
import { OWNER_EMAIL, OWNER_PASSWORD, createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * Secret comparisons (CSRF-token digests, password hashes) must take the same time however many leading bytes
 * match. `===` would pass every functional test, so these tests check that the answer is decided by
 * `crypto.timingSafeEqual`: a spy sees the call, and a spy that answers the opposite changes the outcome.
 */
describe('constantEquals is crypto.timingSafeEqual underneath', () => {
  it('answers equal, unequal and different-length inputs correctly', () => {
    assert.equal(constantEquals('a digest value', 'a digest value'), true);
    assert.equal(constantEquals('a digest value', 'a digest valuf'), false);
    assert.equal(constantEquals('a digest value', 'a digest valu'), false);
    assert.equal(constantEquals('', ''), true);
  });

  it('hands equal-length inputs to crypto.timingSafeEqual and returns its answer', (t) => {
    const spy = mock.method(crypto, 'timingSafeEqual');
    t.after(() => spy.mock.restore());
    assert.equal(constantEquals('Zm9vYmFyYmF6', 'Zm9vYmFyYmF6'), true);
    assert.equal(spy.mock.callCount(), 1);
    const [left, right] = spy.mock.calls[0]!.arguments as [Buffer, Buffer];
    assert.deepEqual([left.toString(), right.toString()], ['Zm9vYmFyYmF6', 'Zm9vYmFyYmF6']);

    // The verdict is timingSafeEqual's, not a string comparison's.
    spy.mock.mockImplementationOnce(() => false);
    assert.equal(constantEquals('same', 'same'), false);
    spy.mock.mockImplementationOnce(() => true);
    assert.equal(constantEquals('same', 'sane'), true);
    // Different lengths still spend a comparison, so the length check is not a faster path.
    assert.equal(constantEquals('short', 'longer'), false);
    assert.equal(spy.mock.callCount(), 4);
  });

  it('decides password checks', async (t) => {
    const stored = await hashPassword('a long enough password');
    const spy = mock.method(crypto, 'timingSafeEqual');
    t.after(() => spy.mock.restore());
    assert.equal(await verifyPassword('a long enough password', stored), true);
    assert.equal(spy.mock.callCount(), 1);
    spy.mock.mockImplementationOnce(() => false);
    assert.equal(await verifyPassword('a long enough password', stored), false);
  });
});

for (const database of TEST_DATABASES) {
  describe(`${database}: the CSRF check is a constant-time comparison`, () => {
    it('accepts or refuses a session mutation on the verdict of crypto.timingSafeEqual', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const session = await signIn(h, OWNER_EMAIL, OWNER_PASSWORD);
      const spy = mock.method(crypto, 'timingSafeEqual');
      t.after(() => spy.mock.restore());

      const ok = await sessionCall(h, session, 'POST', '/v1/projects', { name: 'Allowed' });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(spy.mock.callCount(), 1);

      spy.mock.mockImplementationOnce(() => false);
      const refused = await sessionCall(h, session, 'POST', '/v1/projects', { name: 'Refused' });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error.code, 'CSRF_FAILED');
      assert.deepEqual((await h.storage.repos.projects.list(h.orgId, { limit: 10 })).map((p) => p.name), ['Allowed']);
    });
  });
}
