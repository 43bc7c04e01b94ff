import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/domain/app-error.js';
import type { Principal } from '../../src/domain/principal.js';
import { actsAsOwner, assertMayActOnRole, assertMayGrantRole, type KeyCreator, roleGrantExcess } from '../../src/domain/role-rules.js';
import type { Role } from '../../src/domain/roles.js';

const base = { orgId: 'org_1', projectIds: null, expiresAt: null };
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
