import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { DEFAULT_PASSWORD_HASH_COST, dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../../src/domain/password-hash.js';

describe('password hashing', () => {
  it('hashes with scrypt N=2^17, r=8, p=1 by default (OWASP minimum), and the parameters travel with the hash', async () => {
    assert.equal(DEFAULT_PASSWORD_HASH_COST, 17);
    assert.equal(loadConfig({}).passwordHashCost, 17);
    const stored = await hashPassword('correct horse battery staple');
    assert.match(stored, /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
    assert.equal(needsRehash(stored), false);
    assert.match(dummyPasswordHash(), /^scrypt\$131072\$8\$1\$/);
  });

  it('still verifies hashes made at the old cost (2^14), and says they need a rehash', async () => {
    const old = await hashPassword('an old password here', 14);
    assert.match(old, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifyPassword('an old password here', old), true);
    assert.equal(needsRehash(old), true);
    assert.equal(needsRehash(old, 14), false);
  });

  it('refuses costs below 17 outside tests, and parameters a damaged row could abuse', async () => {
    assert.throws(() => loadConfig({ LATCHKEY_PASSWORD_HASH_COST: '14' }), /for tests only/);
    assert.equal(loadConfig({ LATCHKEY_PASSWORD_HASH_COST: '10', NODE_ENV: 'test' }).passwordHashCost, 10);
    assert.throws(() => loadConfig({ LATCHKEY_PASSWORD_HASH_COST: '21' }), /between 10 and 20/);
    for (const stored of ['scrypt$1073741824$8$1$AAAA$AAAA', 'scrypt$100000$8$1$AAAA$AAAA', 'bcrypt$x', 'scrypt$16384$8$1$AAAA$AAAA$extra']) {
      assert.equal(await verifyPassword('x', stored), false, stored);
      assert.equal(needsRehash(stored), true);
    }
  });
});
