import { type ApiKey, keyStatus } from './api-key.js';
import { CREDENTIAL_KINDS } from './credential-kinds.js';
import type { Role } from './roles.js';

export type CredentialState = 'valid' | 'unknown' | 'revoked' | 'expired' | 'disabled';

/** What the state of a presented credential depends on: the key, which of its secrets matched, and its owner's role. */
export interface PresentedCredential {
  key: ApiKey;
  /** End of a rolled-away secret's grace period; null for the current secret. */
  secretExpiresAt: number | null;
  /** For a personal token: its user's current role in the key's organization, null when no longer a member. */
  ownerRole: Role | null;
}

/** The state of a resolved key at `now`. A credential capped by a user who left the organization is unknown. */
export function credentialState(resolved: PresentedCredential | null, now: number): CredentialState {
  if (!resolved) return 'unknown';
  if (CREDENTIAL_KINDS[resolved.key.kind].cappedByOwnerRole && resolved.ownerRole === null) return 'unknown';
  const status = keyStatus(resolved.key, now);
  if (status === 'revoked') return 'revoked';
  if (status === 'expired') return 'expired';
  if (resolved.secretExpiresAt !== null && resolved.secretExpiresAt <= now) return 'expired';
  if (status === 'disabled') return 'disabled';
  return 'valid';
}
