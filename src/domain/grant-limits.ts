import { AppError } from './app-error.js';
import { type Principal, principalCan } from './principal.js';

export interface RequestedGrant {
  permissions: readonly string[];
  projectIds: readonly string[] | null;
  expiresAt: number | null;
}

/**
 * No credential may mint or widen another beyond itself: every permission must be one the caller holds
 * (wildcards only from a wildcard), projects a subset of its own, and expiry no later than its own.
 */
export function assertWithinGrant(principal: Principal, requested: RequestedGrant): void {
  const excess = requested.permissions.filter((p) => !principalCan(principal, p));
  if (excess.length > 0) {
    throw new AppError('PERMISSION_ESCALATION', {
      message: 'The requested permissions exceed those of the calling credential.',
      details: { permissions: excess },
    });
  }
  if (principal.projectIds !== null) {
    if (requested.projectIds === null) {
      throw new AppError('PERMISSION_ESCALATION', {
        message: 'A project-restricted credential cannot grant access to all projects.',
        details: { projects: 'all' },
      });
    }
    const outside = requested.projectIds.filter((id) => !principal.projectIds!.includes(id));
    if (outside.length > 0) {
      throw new AppError('PERMISSION_ESCALATION', {
        message: 'The requested projects exceed those of the calling credential.',
        details: { projects: outside },
      });
    }
  }
  if (principal.expiresAt !== null && (requested.expiresAt === null || requested.expiresAt > principal.expiresAt)) {
    throw new AppError('PERMISSION_ESCALATION', {
      message: 'The requested expiry is later than that of the calling credential.',
      details: { maxExpiresAt: new Date(principal.expiresAt).toISOString() },
    });
  }
}
