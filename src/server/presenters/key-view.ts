import { type ApiKey, keyStatus } from '../../domain/api-key.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A key as the API shows it: never the secret, never its digest. */
export function keyView(key: ApiKey, now: number) {
  return {
    id: key.id,
    kind: key.kind,
    name: key.name,
    description: key.description,
    start: key.start,
    environment: key.tokenType,
    permissions: key.permissions,
    projectIds: key.projectIds,
    ownerUserId: key.ownerUserId,
    createdBy: key.createdBy,
    createdAt: new Date(key.createdAt).toISOString(),
    updatedAt: new Date(key.updatedAt).toISOString(),
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
    enabled: key.enabled,
    status: keyStatus(key, now),
    metadata: key.metadata,
    rateLimit: key.rateLimit,
    credits: key.credits ? { ...key.credits, refilledAt: iso(key.credits.refilledAt) } : null,
    ipRanges: key.ipRanges,
  };
}

export { iso };
