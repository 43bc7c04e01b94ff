import { AppError } from '../domain/app-error.js';
import type { Principal } from '../domain/principal.js';

/**
 * Some actions reach beyond any project: the audit log spans all of them, and a new project or a member's
 * role is not confined to the caller's projects. A project-restricted credential may not take them, however
 * broad its permissions, or it could reach what its restriction was meant to keep out.
 */
export function requireOrgWide(principal: Principal, action: string): void {
  if (principal.projectIds !== null) {
    throw new AppError('PERMISSION_DENIED', {
      message: `A project-restricted credential cannot ${action}.`,
      details: { reason: 'project_restricted' },
    });
  }
}
