import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from '../../src/domain/crc32.js';
import { displayStart, generateToken, parseToken, TOKEN_BODY_LENGTH, TOKEN_TYPES, tokenRegex } from '../../src/domain/token-format.js';

describe('token format', () => {
  it('generates <prefix>_<type>_<body><checksum> that parses back', () => {
    for (const type of ['live', 'test', 'pat', 'inv'] as const) {
      const token = generateToken('lk', type);
      assert.match(token, new RegExp(`^lk_${type}_[A-Za-z0-9]{38}$`));
      assert.deepEqual(parseToken(token, 'lk'), { prefix: 'lk', type, body: token.slice(token.lastIndexOf('_') + 1, token.lastIndexOf('_') + 1 + TOKEN_BODY_LENGTH) });
      assert.match(token, tokenRegex('lk', type));
    }
  });

  it('knows the invitation type as a token shape, so URL filters and redaction treat it as a secret', () => {
    assert.deepEqual(TOKEN_TYPES, ['live', 'test', 'pat', 'inv']);
    assert.equal(parseToken(generateToken('lk', 'inv').replace('_inv_', '_inx_'), 'lk'), null);
  });

  it('supports a deployment prefix such as qtrl', () => {
    const token = generateToken('qtrl', 'live');
    assert.ok(token.startsWith('qtrl_live_'));
    assert.ok(parseToken(token, 'qtrl'));
    assert.equal(parseToken(token, 'lk'), null);
  });

  it('rejects every single-character change through the checksum', () => {
    const token = generateToken('lk', 'live');
    for (let i = 'lk_live_'.length; i < token.length; i++) {
      const c = token[i] === 'a' ? 'b' : 'a';
      const altered = token.slice(0, i) + c + token.slice(i + 1);
      assert.equal(parseToken(altered, 'lk'), null, `position ${i}`);
    }
  });

  it('rejects wrong lengths, types and alphabets', () => {
    const token = generateToken('lk', 'test');
    for (const bad of ['', 'lk_', token.slice(0, -1), `${token}a`, token.replace('_test_', '_prod_'), token.replace(/.$/, '-'), `lk_live_${'a'.repeat(38)}`]) {
      assert.equal(parseToken(bad, 'lk'), null, bad);
    }
  });

  it('draws at least 160 bits and never repeats in 100,000 tokens', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateToken('lk', 'live'));
    assert.equal(seen.size, 100_000);
    assert.ok(TOKEN_BODY_LENGTH * Math.log2(62) >= 160);
  });

  it('checksums with standard CRC-32', () => {
    assert.equal(crc32('123456789'), 0xcbf43926);
  });

  it('shows the prefix, type and four body characters as the start', () => {
    const token = generateToken('lk', 'live');
    assert.equal(displayStart(token), token.slice(0, 'lk_live_'.length + 4));
  });

  it('the published regex matches no hex digest or UUID', () => {
    const samples = ['d41d8cd98f00b204e9800998ecf8427e', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '123e4567-e89b-12d3-a456-426614174000'];
    for (const s of samples) for (const type of ['live', 'test', 'pat'] as const) assert.doesNotMatch(s, tokenRegex('lk', type));
  });
});
