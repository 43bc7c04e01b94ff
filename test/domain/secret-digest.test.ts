import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretDigester } from '../../src/domain/secret-digest.js';

// Stored digests must never change between releases, or every existing key stops verifying.
describe('secret digest', () => {
  it('is SHA-256 in base64url without a pepper (the FIPS 180-2 "abc" vector)', () => {
    assert.equal(createSecretDigester(undefined)('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('is HMAC-SHA-256 keyed by the pepper when one is set, and differs from the plain digest', () => {
    const peppered = createSecretDigester('pepper')('abc');
    assert.equal(peppered, createHmac('sha256', 'pepper').update('abc').digest('base64url'));
    assert.notEqual(peppered, createSecretDigester(undefined)('abc'));
  });
});
