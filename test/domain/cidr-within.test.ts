import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrWithin } from '../../src/domain/cidr.js';

describe('cidrWithin: one range inside another, for bounding a child key by its parent', () => {
  it('holds exactly when every address of the inner range is in the outer one', () => {
    const cases: Array<[string, string, boolean]> = [
      ['10.1.0.0/16', '10.0.0.0/8', true],
      ['10.0.0.0/8', '10.1.0.0/16', false],
      ['11.0.0.0/16', '10.0.0.0/8', false],
      ['10.0.0.5', '10.0.0.0/24', true],
      ['10.0.0.0/8', '0.0.0.0/0', true],
      ['0.0.0.0/0', '10.0.0.0/8', false],
      ['10.0.0.0/8', '10.0.0.0/8', true],
      ['2001:db8:1::/48', '2001:db8::/32', true],
      ['2001:db9::/48', '2001:db8::/32', false],
      ['::ffff:10.0.0.1', '::ffff:10.0.0.0/120', true],
      ['2001:db8::2', '2001:db8::1', false],
      ['10.0.0.1', '::/0', false],
      ['::/0', '0.0.0.0/0', false],
      ['not a range', '0.0.0.0/0', false],
    ];
    for (const [inner, outer, expected] of cases) assert.equal(cidrWithin(inner, outer), expected, `${inner} in ${outer}`);
  });
});
