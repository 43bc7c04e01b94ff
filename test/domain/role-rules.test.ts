import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FC_SEED } from '../helpers/fc-seed.js';
import { isAppError } from '../../src/domain/app-error.js';
import { NO_LIMITS, type Principal } from '../../src/domain/principal.js';
import { actsAsOwner, assertMayActOnRole, assertMayGrantRole, type KeyCreator, roleGrantExcess } from '../../src/domain/role-rules.js';
import type { Role } from '../../src/domain/roles.js';

const base = { orgId: 'org_1', projectIds: null, expiresAt: null, limits: NO_LIMITS };
const session = (role: Role): Principal => ({ ...base, kind: 'session', userId: 'usr_1', keyId: null, role, keyPermissions: null });
const token = (role: Role, keyPermissions: string[]): Principal => ({ ...base, kind: 'personal_token', userId: 'usr_1', keyId: 'key_1', role, keyPermissions });
const orgKey = (keyPermissions: string[]): Principal => ({ ...base, kind: 'org_key', userId: null, keyId: 'key_2', role: null, keyPermissions });
const byUser = (role: Role | null): KeyCreator => ({ type: 'user', role });

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    assert.ok(isAppError(error));
    const required = error.details?.required;
    return `${error.code}${required ? `:${String(required)}` : ''}`;
  }
}

describe('who acts as owner', () => {
  it('a session or personal token of an owner, the token only while it holds every owner permission', () => {
    assert.equal(actsAsOwner(session('owner'), null), true);
    assert.equal(actsAsOwner(session('admin'), null), false);
    assert.equal(actsAsOwner(token('owner', ['*']), null), true);
    assert.equal(actsAsOwner(token('owner', ['latchkey:members:write']), null), false);
    assert.equal(actsAsOwner(token('owner', ['latchkey:*']), null), false);
    assert.equal(actsAsOwner(token('admin', ['*']), null), false);
  });

  it('an organization key only when a user who is an owner now created it and it holds `*`', () => {
    assert.equal(actsAsOwner(orgKey(['*']), byUser('owner')), true);
    assert.equal(actsAsOwner(orgKey(['*']), byUser('admin')), false);
    assert.equal(actsAsOwner(orgKey(['*']), byUser(null)), false);
    assert.equal(actsAsOwner(orgKey(['*']), { type: 'key', role: null }), false);
    assert.equal(actsAsOwner(orgKey(['*']), { type: 'system', role: null }), false);
    assert.equal(actsAsOwner(orgKey(['*']), null), false);
    assert.equal(actsAsOwner(orgKey(['latchkey:members:write']), byUser('owner')), false);
    // A key's kind decides: an org key never borrows a role of its own.
    assert.equal(actsAsOwner({ ...orgKey(['*']), role: 'owner' }, null), false);
  });
});

describe('granting and acting on roles', () => {
  const owner = { principal: session('owner'), owner: true };
  const admin = { principal: session('admin'), owner: false };
  const membersOnly = { principal: orgKey(['latchkey:members:read', 'latchkey:members:write']), owner: false };

  it('the owner role needs an owner; any other role needs everything it grants', () => {
    assert.equal(codeOf(() => assertMayGrantRole(owner, 'owner')), null);
    assert.equal(codeOf(() => assertMayGrantRole(admin, 'owner')), 'PERMISSION_DENIED:owner');
    assert.equal(codeOf(() => assertMayGrantRole(admin, 'admin')), null);
    assert.equal(codeOf(() => assertMayGrantRole(membersOnly, 'viewer')), 'PERMISSION_ESCALATION');
    assert.equal(codeOf(() => assertMayGrantRole({ principal: session('member'), owner: false }, 'viewer')), null);
    assert.equal(codeOf(() => assertMayGrantRole({ principal: session('viewer'), owner: false }, 'member')), 'PERMISSION_ESCALATION');
    assert.deepEqual(roleGrantExcess(membersOnly.principal, 'admin'), ['*']);
  });

  it('changing or removing an owner needs an owner, anyone else a caller that could have granted their role', () => {
    assert.equal(codeOf(() => assertMayActOnRole(admin, 'owner', 'change')), 'PERMISSION_DENIED:owner');
    assert.equal(codeOf(() => assertMayActOnRole(admin, 'owner', 'remove')), 'PERMISSION_DENIED:owner');
    assert.equal(codeOf(() => assertMayActOnRole(owner, 'owner', 'remove')), null);
    assert.equal(codeOf(() => assertMayActOnRole(admin, 'admin', 'remove')), null);
    assert.equal(codeOf(() => assertMayActOnRole(membersOnly, 'admin', 'change')), 'PERMISSION_ESCALATION');
  });
});

describe('role rules against an independent model (property)', () => {
  const SEED = FC_SEED;
  const ROLE_LIST = ['owner', 'admin', 'member', 'viewer'] as const;
  // Only `*` covers `*`, `@api` and `@api:read`, the grants that tell roles apart; the rest are distractors.
  const PERMISSIONS = ['*', 'latchkey:*', 'latchkey:members:write', 'latchkey:members:read', 'latchkey:keys:read', 'latchkey:tokens:write', 'tests:read', 'tests:*'];
  const RANK: Record<Role, number> = { owner: 0, admin: 0, member: 2, viewer: 3 };

  const arbitraryCase = fc.record({
    kind: fc.constantFrom('session', 'personal_token', 'org_key'),
    role: fc.constantFrom(...ROLE_LIST),
    permissions: fc.subarray(PERMISSIONS),
    creator: fc.record({ type: fc.constantFrom('user', 'key', 'system'), role: fc.option(fc.constantFrom(...ROLE_LIST), { nil: null }) }),
    target: fc.constantFrom(...ROLE_LIST),
  });

  it(`decides every grant and every change of a role as the model does (seed ${SEED}, LATCHKEY_FC_SEED overrides)`, () => {
    fc.assert(
      fc.property(arbitraryCase, ({ kind, role, permissions, creator, target }) => {
        const principal: Principal =
          kind === 'session' ? session(role) : kind === 'personal_token' ? token(role, permissions) : orgKey(permissions);
        const keyCreator: KeyCreator = { type: creator.type as KeyCreator['type'], role: creator.type === 'user' ? creator.role : null };
        const holdsAll = principal.keyPermissions === null || principal.keyPermissions.includes('*');
        const modelOwner =
          kind === 'session' ? role === 'owner' : kind === 'personal_token' ? role === 'owner' && holdsAll : holdsAll && keyCreator.type === 'user' && keyCreator.role === 'owner';
        const modelGrant = (r: Role) => (r === 'owner' ? modelOwner : holdsAll && (principal.role === null || RANK[principal.role] <= RANK[r]));

        const owner = actsAsOwner(principal, kind === 'org_key' ? keyCreator : null);
        assert.equal(owner, modelOwner);
        const standing = { principal, owner };
        assert.equal(codeOf(() => assertMayGrantRole(standing, target)) === null, modelGrant(target));
        for (const current of ROLE_LIST) {
          const expected = modelGrant(current) && (current !== 'owner' || modelOwner);
          assert.equal(codeOf(() => assertMayActOnRole(standing, current, 'change')) === null, expected, current);
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
