import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { accessLevel, coveredByAny, covers, isWildcard, PERMISSION_PATTERN } from '../../src/domain/permission-pattern.js';
import { fcParams } from '../helpers/fc-seed.js';

/** Permission names and patterns over a small vocabulary, so generated pairs often relate to each other. */
const segment = fc.constantFrom('tests', 'reports', 'daily', 'read', 'write', 'admin', 'x');
const exact = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join(':'));
const pattern = fc.oneof(exact, exact.map((p) => `${p}:*`), fc.constant('*'));

describe('covers(): does a grant give what a permission names', () => {
  it('matches the documented table', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*', 'tests:read', true],
      ['*', '*', true],
      ['*', 'latchkey:keys:write', true],
      ['tests:read', 'tests:read', true],
      ['tests:write', 'tests:read', true],
      ['tests:admin', 'tests:write', true],
      ['tests:admin', 'tests:read', true],
      ['tests:read', 'tests:write', false],
      ['tests:write', 'tests:admin', false],
      ['tests:write', 'reports:read', false],
      ['tests:write', 'tests:daily:read', false],
      ['tests:daily:write', 'tests:read', false],
      ['admin', 'read', true],
      ['admin', 'tests:read', false],
      ['tests:*', 'tests:read', true],
      ['tests:*', 'tests:daily:admin', true],
      ['tests:*', 'tests:daily:*', true],
      ['tests:*', 'tests:*', true],
      ['tests:*', 'tests', false],
      ['tests:*', 'testsuite:read', false],
      ['tests:*', '*', false],
      ['tests:daily:*', 'tests:*', false],
      ['tests:admin', 'tests:*', false],
      ['tests:write', '*', false],
      ['tests:deploy', 'tests:deploy', true],
      ['tests:deploy', 'tests:read', false],
      ['latchkey:keys:admin', 'latchkey:keys:verify', false],
      ['latchkey:*', 'latchkey:keys:verify', true],
      ['@api', 'tests:admin', true],
      ['@api', 'tests:*', true],
      ['@api', 'latchkey:keys:read', false],
      ['@api', 'latchkey:*', false],
      ['@api', '*', false],
      ['@api', '@api:read', true],
      ['@api:read', 'tests:read', true],
      ['@api:read', 'tests:write', false],
      ['@api:read', 'tests:*', false],
      ['@api:read', 'latchkey:keys:read', false],
      ['@api:read', '@api', false],
      ['tests:write', '@api', false],
    ];
    for (const [grant, wanted, expected] of cases) assert.equal(covers(grant, wanted), expected, `${grant} covers ${wanted}`);
  });

  it('is reflexive, and `*` covers everything', () => {
    fc.assert(fc.property(pattern, (p) => covers(p, p) && covers('*', p)), fcParams());
  });

  it('is transitive', () => {
    fc.assert(fc.property(pattern, pattern, pattern, (a, b, c) => !(covers(a, b) && covers(b, c)) || covers(a, c)), fcParams({ numRuns: 5000 }));
  });

  it('grants a wildcard only from a wildcard at or above it', () => {
    fc.assert(
      fc.property(pattern, pattern, (grant, wanted) => {
        if (!isWildcard(wanted) || !covers(grant, wanted)) return true;
        return grant === '*' || (isWildcard(grant) && wanted.startsWith(grant.slice(0, -1)));
      }),
      fcParams({ numRuns: 5000 }),
    );
  });

  it('never crosses prefixes except through wildcards', () => {
    fc.assert(
      fc.property(exact, exact, (grant, wanted) => {
        if (!covers(grant, wanted) || grant === wanted) return true;
        const cut = (s: string) => s.slice(0, s.lastIndexOf(':') + 1);
        return cut(grant) === cut(wanted) && accessLevel(grant) !== null && accessLevel(wanted) !== null;
      }),
      fcParams({ numRuns: 5000 }),
    );
  });

  it('coveredByAny is covers() over a set; accessLevel reads the last segment', () => {
    assert.equal(coveredByAny([], 'tests:read'), false);
    assert.equal(coveredByAny(['reports:read', 'tests:write'], 'tests:read'), true);
    assert.equal(coveredByAny(['reports:read', 'tests:write'], 'tests:admin'), false);
    fc.assert(fc.property(fc.array(pattern, { maxLength: 5 }), pattern, (set, p) => coveredByAny(set, p) === set.some((g) => covers(g, p))), fcParams());
    assert.deepEqual(['tests:read', 'tests:write', 'admin', 'tests:deploy', 'tests:*', 'read:tests'].map(accessLevel), ['read', 'write', 'admin', null, null, null]);
  });

  it('accepts only well-formed names and patterns', () => {
    for (const ok of ['*', 'tests', 'tests:read', 'a.b-c_d:e', 'tests:*', 'a:b:c:*', '0day:read']) assert.ok(PERMISSION_PATTERN.test(ok), ok);
    for (const bad of ['', 'Tests:read', 'tests:', ':read', 'tests::read', '*:read', 'tests:*:read', 'te*sts', '@api', 'tests read', '-x']) {
      assert.ok(!PERMISSION_PATTERN.test(bad), bad);
    }
  });
});
