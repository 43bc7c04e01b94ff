import type { CredentialKind } from '../../domain/credential-kinds.js';

/**
 * The `api_keys.kind` column keeps the values it was created with (a partial unique index names `org`), so the
 * registry's names are mapped here, on the way in and out, and nothing above storage sees the stored spelling.
 */
const STORED: Readonly<Record<CredentialKind, string>> = { org_key: 'org', personal_token: 'personal', oauth_token: 'oauth' };
const FROM_STORED = new Map(Object.entries(STORED).map(([kind, stored]) => [stored, kind as CredentialKind]));

export function storedKind(kind: CredentialKind): string {
  return STORED[kind];
}

export function kindFromStored(stored: string): CredentialKind {
  const kind = FROM_STORED.get(stored);
  if (kind === undefined) throw new Error(`api_keys.kind holds an unknown value: ${stored}`);
  return kind;
}
