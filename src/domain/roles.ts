export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const SELF_SERVICE = [
  'latchkey:projects:read',
  'latchkey:members:read',
  'latchkey:keys:read',
  'latchkey:permissions:read',
  'latchkey:tokens:write',
];

/**
 * What each role may do. Owners and admins hold everything; the difference is that only an owner can make or
 * unmake owners. Members use the protected API and manage their own tokens but cannot mint organization keys
 * (seed 002); viewers get the read level of everything.
 */
export const ROLE_GRANTS: Record<Role, readonly string[]> = {
  owner: ['*'],
  admin: ['*'],
  member: [...SELF_SERVICE, '@api'],
  viewer: [...SELF_SERVICE, '@api:read'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
