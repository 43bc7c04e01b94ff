import type { CreditsState, RateLimitConfig } from './api-key.js';
import type { CredentialKind } from './credential-kinds.js';
import { coveredByAny } from './permission-pattern.js';
import { ROLE_GRANTS, type Role } from './roles.js';

/**
 * The usage limits a credential carries besides permissions, projects and expiry. Each bounds what the
 * credential may grant or change, exactly as its permissions do (see grant-limits.ts). Null fields: no limit.
 */
export interface CredentialLimits {
  ipRanges: readonly string[] | null;
  credits: Pick<CreditsState, 'remaining' | 'refillAmount' | 'refillIntervalMs'> | null;
  rateLimit: RateLimitConfig | null;
}

export const NO_LIMITS: CredentialLimits = Object.freeze({ ipRanges: null, credits: null, rateLimit: null });

/**
 * Who is calling, resolved from a session or a key. Tenancy comes only from here, never from the request.
 * A personal token carries both its own permissions and its user's current role: it may do only what both allow.
 */
export interface Principal {
  /** A signed-in user, or the kind of credential presented (the registry's names). */
  kind: 'session' | CredentialKind;
  orgId: string;
  /** The signed-in user, or the user a personal token belongs to; null for organization keys. */
  userId: string | null;
  keyId: string | null;
  role: Role | null;
  /** Null for sessions, which carry the role's rights unnarrowed. */
  keyPermissions: readonly string[] | null;
  /** Null means every project of the organization. */
  projectIds: readonly string[] | null;
  /** Epoch milliseconds; null for never. */
  expiresAt: number | null;
  /** A key's IP ranges, credits and rate limit; sessions carry none. */
  limits: CredentialLimits;
}

export function principalCan(principal: Principal, permission: string): boolean {
  if (principal.keyPermissions !== null && !coveredByAny(principal.keyPermissions, permission)) return false;
  if (principal.role !== null && !coveredByAny(ROLE_GRANTS[principal.role], permission)) return false;
  return principal.keyPermissions !== null || principal.role !== null;
}

export function principalSeesProject(principal: Principal, projectId: string): boolean {
  return principal.projectIds === null || principal.projectIds.includes(projectId);
}

export function actorOf(principal: Principal): { actorType: 'user' | 'key'; actorId: string } {
  if (principal.kind === 'session') return { actorType: 'user', actorId: principal.userId! };
  return { actorType: 'key', actorId: principal.keyId! };
}
