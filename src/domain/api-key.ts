import type { CredentialKind } from './credential-kinds.js';
import type { KeyStatus } from './key-statuses.js';
import type { TokenType } from './token-format.js';

export { KEY_STATUSES, type KeyStatus } from './key-statuses.js';

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface CreditsState {
  remaining: number;
  refillAmount: number | null;
  refillIntervalMs: number | null;
  refilledAt: number | null;
}

/** One API key or personal access token, as the domain sees it. The secret itself is never part of it. */
export interface ApiKey {
  id: string;
  orgId: string;
  kind: CredentialKind;
  tokenType: TokenType;
  name: string;
  description: string;
  start: string;
  permissions: string[];
  /** Null: every project of the organization. */
  projectIds: string[] | null;
  ownerUserId: string | null;
  createdBy: { type: 'user' | 'key' | 'system'; id: string };
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  enabled: boolean;
  revokedAt: number | null;
  lastUsedAt: number | null;
  metadata: Record<string, unknown> | null;
  rateLimit: RateLimitConfig | null;
  credits: CreditsState | null;
  ipRanges: string[] | null;
}

export function keyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt' | 'enabled'>, now: number): KeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  if (!key.enabled) return 'disabled';
  return 'active';
}
