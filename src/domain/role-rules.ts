import { AppError } from './app-error.js';
import { type Principal, principalCan } from './principal.js';
import { ROLE_GRANTS, type Role } from './roles.js';

/** Who created an organization key, with that creator's role in the organization as it stands now. */
export interface KeyCreator {
  type: 'user' | 'key' | 'system';
  /** The creating user's current role here; null when the creator is not a user or no longer a member. */
  role: Role | null;
}

/**
 * Whether a credential may make, unmake or remove owners. It must hold every owner permission (so a narrow
 * personal token of an owner does not), and the person behind it must be an owner now: a session's or a
 * personal token's own user, or, for an organization key, the user who created it. A key made by another key
 * never acts as owner, and neither does any key of an admin: `*` alone is not ownership. Owner-ness follows the
 * creator's current role, both ways: an owner's key stops acting as owner the moment its creator is demoted.
 */
export function actsAsOwner(principal: Principal, keyCreator: KeyCreator | null): boolean {
  if (!ROLE_GRANTS.owner.every((grant) => principalCan(principal, grant))) return false;
  if (principal.kind === 'org_key') return keyCreator !== null && keyCreator.type === 'user' && keyCreator.role === 'owner';
  return principal.role === 'owner';
}

/** The caller as it stands at the moment of a role change, and whether it acts as an owner. */
export interface Standing {
  principal: Principal;
  owner: boolean;
}

/** What a role grants that the caller does not hold itself; empty when the caller holds all of it. */
export function roleGrantExcess(principal: Principal, role: Role): string[] {
  return ROLE_GRANTS[role].filter((grant) => !principalCan(principal, grant));
}

/**
 * Granting a role is granting what the role holds, so the rule that bounds keys bounds roles too: the caller
 * must hold everything the role grants, and the owner role needs an owner (see actsAsOwner). Without it a key
 * allowed only to manage members could make an admin, or an owner's narrow token make another owner.
 */
export function assertMayGrantRole(standing: Standing, role: Role): void {
  if (role === 'owner') {
    if (!standing.owner) throw ownerRequired('Only an owner, acting with every owner permission, can make someone an owner.');
    return;
  }
  const excess = roleGrantExcess(standing.principal, role);
  if (excess.length > 0) {
    throw new AppError('PERMISSION_ESCALATION', {
      message: `The ${role} role grants more than the calling credential holds.`,
      details: { role, permissions: excess },
    });
  }
}

/**
 * Changing or removing a member is acting on what their role holds: an owner only by an owner, any other role
 * only by a caller that could have granted it. A key allowed only to manage members cannot demote an admin.
 */
export function assertMayActOnRole(standing: Standing, current: Role, action: 'change' | 'remove'): void {
  if (current === 'owner' && !standing.owner) {
    throw ownerRequired(action === 'remove' ? 'Only an owner can remove an owner.' : 'Only an owner can take the owner role away.');
  }
  assertMayGrantRole(standing, current);
}

function ownerRequired(message: string): AppError {
  return new AppError('PERMISSION_DENIED', { message, details: { required: 'owner' } });
}
