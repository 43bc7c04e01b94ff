import type { ApiKey } from './api-key.js';
import { AppError } from './app-error.js';
import { cidrWithin } from './cidr.js';
import { type CredentialLimits, type Principal, principalCan } from './principal.js';

export interface RequestedGrant {
  permissions: readonly string[];
  projectIds: readonly string[] | null;
  expiresAt: number | null;
  /** Only the limits given are bounded: an update checks just those it sets. */
  limits?: Partial<CredentialLimits>;
}

/** The limits a key carries, as a principal or a grant holds them. */
export function limitsOf(key: Pick<ApiKey, 'ipRanges' | 'credits' | 'rateLimit'>): CredentialLimits {
  return {
    ipRanges: key.ipRanges && key.ipRanges.length > 0 ? key.ipRanges : null,
    credits: key.credits ? { remaining: key.credits.remaining, refillAmount: key.credits.refillAmount, refillIntervalMs: key.credits.refillIntervalMs } : null,
    rateLimit: key.rateLimit,
  };
}

/** Everything a key holds, for "may this caller act on it". */
export function grantOf(key: Pick<ApiKey, 'permissions' | 'projectIds' | 'expiresAt' | 'ipRanges' | 'credits' | 'rateLimit'>): RequestedGrant {
  return { permissions: key.permissions, projectIds: key.projectIds, expiresAt: key.expiresAt, limits: limitsOf(key) };
}

/**
 * No credential may mint or widen another beyond itself: every permission must be one the caller holds
 * (wildcards only from a wildcard), projects a subset of its own, expiry no later than its own, and every usage
 * limit it carries at least as tight (see `limitsExcess`).
 */
export function assertWithinGrant(principal: Principal, requested: RequestedGrant): void {
  const refuse = (message: string, details: Record<string, unknown>): never => {
    throw new AppError('PERMISSION_ESCALATION', { message, details });
  };
  const excess = requested.permissions.filter((p) => !principalCan(principal, p));
  if (excess.length > 0) refuse('The requested permissions exceed those of the calling credential.', { permissions: excess });
  if (principal.projectIds !== null) {
    if (requested.projectIds === null) refuse('A project-restricted credential cannot grant access to all projects.', { projects: 'all' });
    const outside = requested.projectIds!.filter((id) => !principal.projectIds!.includes(id));
    if (outside.length > 0) refuse('The requested projects exceed those of the calling credential.', { projects: outside });
  }
  if (principal.expiresAt !== null && (requested.expiresAt === null || requested.expiresAt > principal.expiresAt)) {
    refuse('The requested expiry is later than that of the calling credential.', { maxExpiresAt: new Date(principal.expiresAt).toISOString() });
  }
  if (requested.limits) {
    const field = limitsExcess(principal.limits, requested.limits);
    if (field) refuse(`The requested ${LIMIT_NAMES[field]} is looser than that of the calling credential.`, { field });
  }
}

/**
 * Acting on an existing key (changing, disabling, enabling, revoking, deleting or rolling it) needs a caller that
 * holds at least everything the key holds: otherwise a narrow credential could switch off, or take over, a
 * stronger one. Same rule, same answer as granting.
 */
export function assertMayActOn(principal: Principal, key: Pick<ApiKey, 'id' | 'permissions' | 'projectIds' | 'expiresAt' | 'ipRanges' | 'credits' | 'rateLimit'>): void {
  try {
    assertWithinGrant(principal, grantOf(key));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError('PERMISSION_ESCALATION', {
      message: 'The key holds more than the calling credential, which therefore cannot act on it.',
      details: { ...error.details, reason: 'target_exceeds_caller', id: key.id },
    });
  }
}

const LIMIT_NAMES = { ipRanges: 'IP ranges', credits: 'credits', rateLimit: 'rate limit' } as const;

/**
 * Which limit of `requested` is looser than the caller's, if any. A limit the caller does not carry bounds
 * nothing. Otherwise: every requested IP range lies inside one of the caller's; credits are present, no more
 * remaining than the caller has, and refill (if any) no larger per interval nor more often than the caller's;
 * a rate limit is present, allows no more calls, and counts over a window no shorter.
 */
export function limitsExcess(held: CredentialLimits, requested: Partial<CredentialLimits>): keyof CredentialLimits | null {
  if (held.ipRanges !== null && requested.ipRanges !== undefined) {
    const wanted = requested.ipRanges;
    if (wanted === null || wanted.length === 0 || !wanted.every((range) => held.ipRanges!.some((outer) => cidrWithin(range, outer)))) return 'ipRanges';
  }
  if (held.credits !== null && requested.credits !== undefined) {
    const c = requested.credits;
    if (c === null || c.remaining > held.credits.remaining) return 'credits';
    if (c.refillAmount !== null || c.refillIntervalMs !== null) {
      if (held.credits.refillAmount === null || held.credits.refillIntervalMs === null) return 'credits';
      if (c.refillAmount === null || c.refillIntervalMs === null) return 'credits';
      if (c.refillAmount > held.credits.refillAmount || c.refillIntervalMs < held.credits.refillIntervalMs) return 'credits';
    }
  }
  if (held.rateLimit !== null && requested.rateLimit !== undefined) {
    const r = requested.rateLimit;
    if (r === null || r.limit > held.rateLimit.limit || r.windowMs < held.rateLimit.windowMs) return 'rateLimit';
  }
  return null;
}
