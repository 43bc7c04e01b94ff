import type { ApiKey } from '../../../domain/api-key.js';

/** How Kriten writes "never expires" (seed 004: "data will be defaulted to 0000-01-01"). */
export const KRITEN_NEVER = '0000-01-01T00:00:00Z';

/** A personal token in Kriten's field names; never the secret, which only the create response adds as `key`. */
export function kritenTokenView(key: ApiKey) {
  return {
    id: key.id,
    owner: key.ownerUserId ?? '',
    description: key.description,
    created_at: new Date(key.createdAt).toISOString(),
    updated_at: new Date(key.updatedAt).toISOString(),
    expires: key.expiresAt === null ? KRITEN_NEVER : new Date(key.expiresAt).toISOString(),
    enabled: key.enabled,
  };
}

/** Kriten's `expires` as Latchkey's `expiresAt`: its never-sentinel (any time on 0000-01-01) is null. */
export function expiresAtOf(expires: string | undefined): string | null | undefined {
  if (expires === undefined) return undefined;
  return expires.startsWith('0000-01-01') ? null : expires;
}
