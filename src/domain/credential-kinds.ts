import type { CredentialKindPolicy } from './credential-kind-policy.js';
import { OAUTH_TOKEN_POLICY } from './oauth-token-policy.js';
import { ORG_KEY_POLICY } from './org-key-policy.js';
import { PERSONAL_TOKEN_POLICY } from './personal-token-policy.js';

/** Every kind of credential, in a fixed order (the order paths that lock several kinds take their locks in). */
export const CREDENTIAL_KIND_NAMES = ['org_key', 'personal_token', 'oauth_token'] as const;

export type CredentialKind = (typeof CREDENTIAL_KIND_NAMES)[number];

/**
 * The registry of credential kinds and their policies, documented in docs/permissions.md ("Credential kinds")
 * and tested against it. The names are the one spelling every API output uses (key views, whoami).
 */
export const CREDENTIAL_KINDS: Readonly<Record<CredentialKind, CredentialKindPolicy>> = {
  org_key: ORG_KEY_POLICY,
  personal_token: PERSONAL_TOKEN_POLICY,
  oauth_token: OAUTH_TOKEN_POLICY,
};

export function isCredentialKind(value: string): value is CredentialKind {
  return (CREDENTIAL_KIND_NAMES as readonly string[]).includes(value);
}
