import { ROLES, type Role } from '../api/types.js';

/** What each role may do, in a sentence, for the pickers and confirmations. */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: 'Owners can do everything, including making and unmaking owners.',
  admin: 'Admins can do everything except making or unmaking owners.',
  member: 'Members use the protected API, manage their own tokens, and read keys, projects and members.',
  viewer: 'Viewers have read access to the protected API and Latchkey, and manage their own tokens.',
};

/**
 * Roles run owner > admin > member > viewer, and nobody hands out more than they have: an admin is offered
 * admin and below, never owner. The server enforces the same rule.
 */
export function grantableRoles(own: Role | null): Role[] {
  if (own === null) return [];
  return ROLES.slice(ROLES.indexOf(own));
}
