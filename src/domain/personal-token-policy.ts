import { AppError } from './app-error.js';
import type { CredentialKindPolicy } from './credential-kind-policy.js';

/**
 * Personal access tokens: belong to a user, capped by that user's current role, listed per user unless the
 * caller administers everyone's.
 */
export const PERSONAL_TOKEN_POLICY: CredentialKindPolicy = {
  kind: 'personal_token',
  noun: 'token',
  permissions: { read: 'latchkey:tokens:read', write: 'latchkey:tokens:write', admin: 'latchkey:tokens:admin' },
  defaultName: 'Personal access token',
  cappedByOwnerRole: true,
  assertMayCreate: (principal) => {
    if (principal.userId === null) {
      throw new AppError('PERMISSION_DENIED', { message: 'Personal tokens belong to a user; an organization key cannot create one.', details: { required: 'user' } });
    }
  },
  inheritedPermissions: (principal) => [...(principal.keyPermissions ?? ['*'])],
  tokenType: () => 'pat',
  ownerOf: (principal) => principal.userId,
  // A token's listing is its user's own tokens. A credential without a user (an organization key) has none of
  // its own: it sees every member's tokens if it may administer them, and none otherwise.
  listScope: (principal, all, canAdminister) => {
    if (all) return 'all';
    if (principal.userId !== null) return { ownerUserId: principal.userId };
    return canAdminister ? 'all' : 'none';
  },
  visibleToHolder: (principal, key, canAdminister) => key.ownerUserId === principal.userId || canAdminister,
  assertMayReceiveSecret: (principal, key) => {
    if (key.ownerUserId !== principal.userId) {
      throw new AppError('PERMISSION_DENIED', { message: 'Only its own user can regenerate a personal token.', details: { required: 'owner' } });
    }
  },
  // One's own token and oneself are bounded by the same user's role, so only the caller's own narrowing matters.
  boundingActor: (principal, key) =>
    key.ownerUserId !== null && key.ownerUserId === principal.userId ? { ...principal, role: null, keyPermissions: principal.keyPermissions ?? ['*'] } : principal,
};
