import { keyStatus } from '../domain/api-key.js';
import { CREDENTIAL_KINDS } from '../domain/credential-kinds.js';
import { limitsOf } from '../domain/grant-limits.js';
import { NO_LIMITS, type Principal } from '../domain/principal.js';
import { actsAsOwner, type KeyCreator, type Standing } from '../domain/role-rules.js';
import type { Role } from '../domain/roles.js';
import type { Repositories } from '../storage/repositories.js';

/** Someone who acts on members: a user (by session) or a key (an organization key or a personal token). */
export type Actor = { type: 'user'; id: string } | { type: 'key'; id: string };

export function actorOfPrincipal(principal: Principal): Actor {
  return principal.kind === 'session' ? { type: 'user', id: principal.userId! } : { type: 'key', id: principal.keyId! };
}

async function currentRole(repos: Repositories, orgId: string, userId: string): Promise<Role | null> {
  const membership = await repos.memberships.find(orgId, userId);
  return membership?.role ?? null;
}

/**
 * The actor as it stands now, read through `repos` (inside the transaction that makes the change, after the
 * organization lock): its user's current role, its key's current permissions, projects and state, and whether
 * it acts as an owner. Null when it stands for nothing any more: a user who left, a key no longer active, a
 * personal token whose user left. Reading all of it again under the lock means two owners demoting each other
 * at once cannot both pass on what they were a moment ago, and an invitation's inviter is judged as it is when
 * the invitation is accepted.
 */
export async function standingOf(repos: Repositories, orgId: string, actor: Actor, now: number): Promise<Standing | null> {
  if (actor.type === 'user') {
    const role = await currentRole(repos, orgId, actor.id);
    if (role === null) return null;
    const principal: Principal = { kind: 'session', orgId, userId: actor.id, keyId: null, role, keyPermissions: null, projectIds: null, expiresAt: null, limits: NO_LIMITS };
    return { principal, owner: actsAsOwner(principal, null) };
  }
  const key = await repos.keys.findById(orgId, actor.id);
  if (!key || keyStatus(key, now) !== 'active') return null;
  const base = { orgId, keyId: key.id, keyPermissions: key.permissions, projectIds: key.projectIds, expiresAt: key.expiresAt, limits: limitsOf(key) };
  if (CREDENTIAL_KINDS[key.kind].cappedByOwnerRole) {
    const role = key.ownerUserId ? await currentRole(repos, orgId, key.ownerUserId) : null;
    if (role === null) return null;
    const principal: Principal = { ...base, kind: key.kind, userId: key.ownerUserId, role };
    return { principal, owner: actsAsOwner(principal, null) };
  }
  const principal: Principal = { ...base, kind: key.kind, userId: null, role: null };
  const creator: KeyCreator = {
    type: key.createdBy.type,
    role: key.createdBy.type === 'user' ? await currentRole(repos, orgId, key.createdBy.id) : null,
  };
  return { principal, owner: actsAsOwner(principal, creator) };
}
