import { orgKeyTokenType } from './token-type-for.js';
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
  tokenType: orgKeyTokenType,
  ownerOf: () => null,
  listScope: () => 'all',
  visibleToHolder: () => true,
  assertMayReceiveSecret: () => {
    // Bounded by the caller's own grant: boundingActor, which every action on a key has already passed.
  },
  boundingActor: (principal) => principal,
};
