import { AppError } from './app-error.js';
import type { CredentialKindPolicy } from './credential-kind-policy.js';

/**
 * OAuth 2.0 access tokens: an application acting for a user. They behave exactly like personal tokens where it
 * matters (they belong to the user, their rights are the granted scopes intersected with the user's current role
 * at every request, a user who leaves makes them unknown), but no key route creates, changes or hands them out:
 * only the token endpoint issues them, and grants, applications and revocation end them (services/oauth-service.ts).
 */
export const OAUTH_TOKEN_POLICY: CredentialKindPolicy = {
  kind: 'oauth_token',
  noun: 'token',
  permissions: { read: 'latchkey:oauth:read', write: 'latchkey:oauth:write', admin: 'latchkey:oauth:write' },
  defaultName: 'OAuth access token',
  cappedByOwnerRole: true,
  assertMayCreate: () => {
    throw new AppError('PERMISSION_DENIED', { message: 'OAuth access tokens are issued only by POST /oauth/token.', details: { required: 'oauth' } });
  },
  inheritedPermissions: () => null,
  tokenType: () => 'oauth',
  ownerOf: (principal) => principal.userId,
  listScope: () => 'none',
  visibleToHolder: (principal, key) => key.ownerUserId === principal.userId,
  assertMayReceiveSecret: () => {
    throw new AppError('PERMISSION_DENIED', { message: 'An OAuth access token is renewed with its refresh token, never regenerated.', details: { required: 'oauth' } });
  },
  // An application's token acting on its own user's credentials is bounded by that user, like a personal token.
  boundingActor: (principal) => principal,
};
