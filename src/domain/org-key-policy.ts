import { AppError } from './app-error.js';
import type { CredentialKindPolicy } from './credential-kind-policy.js';

/** Organization keys: belong to the organization, bounded by their creator's grant, listed organization-wide. */
export const ORG_KEY_POLICY: CredentialKindPolicy = {
  kind: 'org_key',
  noun: 'key',
  permissions: { read: 'latchkey:keys:read', write: 'latchkey:keys:write', admin: 'latchkey:keys:write' },
  defaultName: 'API key',
  cappedByOwnerRole: false,
  assertMayCreate: () => {},
  inheritedPermissions: () => null,
  assertPermissionsAllowed: (permissions) => {
    if (permissions.length === 0) {
      throw new AppError('VALIDATION_FAILED', { message: 'A key needs at least one permission.', details: { field: 'permissions' } });
    }
  },
  tokenType: (environment) => environment ?? 'live',
  ownerOf: () => null,
  listScope: () => 'all',
  visibleToHolder: () => true,
  assertMayReceiveSecret: () => {
    // Bounded by the caller's own grant: boundingActor, which every action on a key has already passed.
  },
  boundingActor: (principal) => principal,
};
