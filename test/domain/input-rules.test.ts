import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FC_SEED } from '../helpers/fc-seed.js';
import { parseIsoInstant } from '../../src/domain/iso-instant.js';
import { decodeCursor, encodeCursor } from '../../src/domain/page.js';
import { percentDecodeFully } from '../../src/domain/percent-decode.js';
import { isStorableText } from '../../src/domain/storable-text.js';

const SEED = FC_SEED;

describe('strict ISO 8601 instants', () => {
  it('reads what Date.parse reads for every valid instant, and refuses every out-of-range field', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        const text = date.toISOString();
        if (!/^\d{4}-/.test(text)) return;
        assert.equal(parseIsoInstant(text), date.getTime(), text);
      }),
      { seed: SEED, numRuns: 500 },
    );
    for (const bad of ['2026-12-31T23:59:60Z', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+01:60', '2026-01-01T00:00:00', '2026-01-01', '2026-1-01T00:00:00Z', '+002026-01-01T00:00:00Z', '2026-01-01T00:00:00.Z', '2026-01-01T00:00:00.1234567890Z']) {
      assert.equal(parseIsoInstant(bad), null, bad);
    }
    assert.equal(parseIsoInstant('2000-02-29T00:00:00Z'), Date.UTC(2000, 1, 29));
    assert.equal(parseIsoInstant('2026-01-01T05:30:00+05:30'), Date.UTC(2026, 0, 1));
    assert.equal(parseIsoInstant('2026-01-01t00:00:00.9999z'), Date.UTC(2026, 0, 1, 0, 0, 0, 999));
  });
});

describe('percent-decoding until stable', () => {
  it('decodes nested encodings, leaves malformed escapes, and stops after its bound', () => {
    assert.equal(percentDecodeFully('lk%255Flive%255Fx'), 'lk_live_x');
    assert.equal(percentDecodeFully('%ZZ%4'), '%ZZ%4');
    assert.equal(percentDecodeFully('%E2%9C%93'), '✓');
    let deep = '_';
    for (let i = 0; i < 20; i++) deep = encodeURIComponent(deep.replace(/_/g, '%5F'));
    assert.notEqual(percentDecodeFully(deep), '_', 'more than the bound of rounds is not chased');
  });
});

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, and accepts paired ones', () => {
    for (const bad of ['\u0000', 'a\u0000', '\ud800', 'x\udc00', '\udc00\ud800', '\ud83d']) assert.equal(isStorableText(bad), false, JSON.stringify(bad));
    for (const good of ['', 'plain', '🚀', '\ud83d\ude80x', '\u0001', 'ä']) assert.equal(isStorableText(good), true, JSON.stringify(good));
  });
});

describe('signed cursors', () => {
  it('decode only with the key and scope they were signed with', () => {
    const key = randomBytes(32);
    const position = { sort: 'created', value: 1_700_000_000_000, id: 'key_aaaaaaaaaaaaaaaaaaaa' };
    const cursor = encodeCursor(position, 'scope-a', key);
    assert.deepEqual(decodeCursor(cursor, 'scope-a', key), position);
    const invalid = (run: () => unknown) => assert.throws(run, (e: { code?: string }) => e.code === 'INVALID_CURSOR');
    invalid(() => decodeCursor(cursor, 'scope-b', key));
    invalid(() => decodeCursor(cursor, 'scope-a', randomBytes(32)));
    invalid(() => decodeCursor(cursor.split('.')[0]!, 'scope-a', key));
    // Even a correctly signed cursor must carry a storable position.
    for (const value of ['a\u0000', '\ud800', 1.5, 2 ** 60]) {
      invalid(() => decodeCursor(encodeCursor({ ...position, value }, 'scope-a', key), 'scope-a', key));
    }
    invalid(() => decodeCursor(encodeCursor({ ...position, id: 'key_\u0000' }, 'scope-a', key), 'scope-a', key));
  });
});
