import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BASE62_ALPHABET } from '../../src/domain/base62.js';
import {
  DEFAULT_TOKEN_FORMAT,
  displayStart,
  generateToken,
  parseToken,
  TOKEN_BODY_LENGTH,
  TOKEN_TYPES,
  type TokenFormat,
} from '../../src/domain/token-format.js';
import { leakPattern, scannerPatterns } from '../../src/domain/token-patterns.js';
import { fcParams } from '../helpers/fc-seed.js';

/** The formats of the five seeds plus Latchkey's default. */
const SEED_FORMATS: TokenFormat[] = [
  DEFAULT_TOKEN_FORMAT,
  { prefix: 'KXTK', typeSegment: false },
  { prefix: 'qx', typeSegment: true },
  { prefix: 'qtrl', typeSegment: true },
  { prefix: 'kri', typeSegment: false },
];

const formatArb = fc.record({ prefix: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,15}$/), typeSegment: fc.boolean() });
const typeArb = fc.constantFrom(...TOKEN_TYPES);
/** Characters a mutation may introduce: the token alphabet, the separator and a few that never belong. */
const charArb = fc.constantFrom(...`${BASE62_ALPHABET}_-. /+=`.split(''));

function regexOf(format: TokenFormat, type: (typeof TOKEN_TYPES)[number]): RegExp {
  return new RegExp(scannerPatterns(format).find((p) => p.types.includes(type))!.regex);
}

describe('token format', () => {
  it('generates <prefix>_<type>_<body><checksum> or <prefix>_<body><checksum>, and parses it back (property)', () => {
    fc.assert(
      fc.property(formatArb, typeArb, (format, type) => {
        const token = generateToken(format, type);
        const head = format.typeSegment ? `${format.prefix}_${type}_` : `${format.prefix}_`;
        assert.ok(token.startsWith(head));
        assert.match(token.slice(head.length), /^[A-Za-z0-9]{38}$/);
        assert.deepEqual(parseToken(token, format), { prefix: format.prefix, type: format.typeSegment ? type : null, body: token.slice(head.length, head.length + TOKEN_BODY_LENGTH) });
        assert.match(token, regexOf(format, type));
      }),
      fcParams({ numRuns: 500 }),
    );
  });

  it('turns away every single-character substitution, insertion and deletion, in every format (property)', () => {
    const edit = fc.record({ op: fc.constantFrom('substitute', 'insert', 'delete'), at: fc.nat(), char: charArb });
    fc.assert(
      fc.property(formatArb, typeArb, edit, (format, type, { op, at, char }) => {
        const token = generateToken(format, type);
        const i = at % token.length;
        if (op === 'substitute' && token[i] === char) return;
        const mutated = op === 'delete' ? token.slice(0, i) + token.slice(i + 1) : token.slice(0, i) + char + token.slice(op === 'insert' ? i : i + 1);
        assert.equal(parseToken(mutated, format), null, `${op} ${JSON.stringify(char)} at ${i}: ${mutated}`);
      }),
      fcParams({ numRuns: 3000 }),
    );
  });

  it('any mutation of a token is rejected or is a different well-formed token of the same format (property)', () => {
    const edits = fc.array(fc.tuple(fc.nat(), charArb), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(formatArb, typeArb, edits, (format, type, changes) => {
        const token = generateToken(format, type);
        let mutated = token;
        for (const [at, char] of changes) {
          const i = at % mutated.length;
          mutated = mutated.slice(0, i) + char + mutated.slice(i + 1);
        }
        const parsed = parseToken(mutated, format);
        if (parsed === null || mutated === token) return;
        // Only a string that is itself a complete, checksummed token of this format gets through.
        assert.equal(parseToken(mutated, format)?.prefix, format.prefix);
        assert.ok(scannerPatterns(format).some((p) => new RegExp(`^${p.regex}$`).test(mutated)), mutated);
      }),
      fcParams({ numRuns: 2000 }),
    );
  });

  it('a token parses only under the format that made it (property)', () => {
    fc.assert(
      fc.property(formatArb, formatArb, typeArb, (a, b, type) => {
        const token = generateToken(a, type);
        const same = a.prefix === b.prefix && a.typeSegment === b.typeSegment;
        assert.equal(parseToken(token, b) !== null, same);
      }),
      fcParams({ numRuns: 1000 }),
    );
  });

  it('keeps the checksum of keys issued before node:zlib (the hand-written CRC-32 computed these)', () => {
    // Standard CRC-32 check value of "123456789" is 0xcbf43926; these two were computed with the former table.
    for (const [token, format] of [
      ['lk_live_0123456789abcdefghijABCDEFGHIJkl1HTiE4', DEFAULT_TOKEN_FORMAT],
      ['KXTK_0123456789abcdefghijABCDEFGHIJkl2h16rH', { prefix: 'KXTK', typeSegment: false }],
    ] as const) {
      assert.ok(parseToken(token, format), token);
      assert.equal(parseToken(token.slice(0, -1) + (token.endsWith('H') ? 'G' : 'H'), format), null);
    }
  });

  it('rejects wrong lengths, types, cases and alphabets', () => {
    const token = generateToken(DEFAULT_TOKEN_FORMAT, 'test');
    for (const bad of ['', 'lk_', token.slice(0, -1), `${token}a`, token.replace('_test_', '_prod_'), token.replace(/.$/, '-'), `lk_live_${'a'.repeat(38)}`, token.toUpperCase(), `LK${token.slice(2)}`]) {
      assert.equal(parseToken(bad, DEFAULT_TOKEN_FORMAT), null, bad);
    }
    const ketryx = generateToken({ prefix: 'KXTK', typeSegment: false }, 'live');
    assert.equal(parseToken(`kxtk${ketryx.slice(4)}`, { prefix: 'KXTK', typeSegment: false }), null);
  });

  it('draws at least 160 bits and never repeats in 100,000 tokens', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateToken(DEFAULT_TOKEN_FORMAT, 'live'));
    assert.equal(seen.size, 100_000);
    assert.ok(TOKEN_BODY_LENGTH * Math.log2(62) >= 160);
  });

  it('shows the prefix, the type if the format has one, and four body characters as the start', () => {
    const token = generateToken(DEFAULT_TOKEN_FORMAT, 'live');
    assert.equal(displayStart(token), token.slice(0, 'lk_live_'.length + 4));
    const ketryx = generateToken({ prefix: 'KXTK', typeSegment: false }, 'live');
    assert.equal(displayStart(ketryx), ketryx.slice(0, 'KXTK_'.length + 4));
  });
});

describe('scanner and leak patterns', () => {
  it('each seed format: every type matches its own expression and no other deployment\'s', () => {
    for (const format of SEED_FORMATS) {
      for (const type of TOKEN_TYPES) {
        const token = generateToken(format, type);
        assert.match(token, regexOf(format, type));
        assert.match(`export KEY=${token}\n`, regexOf(format, type));
        for (const other of SEED_FORMATS.filter((f) => f !== format)) {
          for (const p of scannerPatterns(other)) assert.doesNotMatch(token, new RegExp(p.regex), `${token} vs ${p.regex}`);
        }
        if (format.typeSegment) {
          for (const t of TOKEN_TYPES.filter((t) => t !== type)) assert.doesNotMatch(token, regexOf(format, t));
        }
      }
    }
  });

  it('one expression per type with a type segment, one for all without', () => {
    assert.deepEqual(scannerPatterns(DEFAULT_TOKEN_FORMAT).map((p) => p.types), TOKEN_TYPES.map((t) => [t]));
    assert.deepEqual(scannerPatterns({ prefix: 'KXTK', typeSegment: false }), [{ types: [...TOKEN_TYPES], regex: '\\bKXTK_[A-Za-z0-9]{38}\\b' }]);
    assert.equal(scannerPatterns({ prefix: 'qx', typeSegment: true }).find((p) => p.types[0] === 'ro')!.regex, '\\bqx_ro_[A-Za-z0-9]{38}\\b');
  });

  it('the expressions match no hex digest, UUID or id', () => {
    const samples = ['d41d8cd98f00b204e9800998ecf8427e', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '123e4567-e89b-12d3-a456-426614174000', 'key_0123456789abcdefghij'];
    for (const format of SEED_FORMATS) {
      for (const p of scannerPatterns(format)) for (const s of samples) assert.doesNotMatch(s, new RegExp(p.regex));
      for (const s of samples) assert.doesNotMatch(s, leakPattern(format));
    }
  });

  it('the leak pattern finds a token cut short or in another case, as the URL filter and log redaction need', () => {
    for (const format of SEED_FORMATS) {
      const token = generateToken(format, 'live');
      assert.match(token.slice(0, -20), leakPattern(format));
      assert.match(token.toLowerCase(), leakPattern(format));
      assert.doesNotMatch(token.slice(0, -30), leakPattern(format));
    }
  });
});
