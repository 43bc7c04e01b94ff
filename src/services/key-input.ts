import type { CreditsState, RateLimitConfig } from '../domain/api-key.js';

/** What a caller may ask for when creating a key or token; routes have already checked shapes and sizes. */
export interface CreateKeyInput {
  name?: string;
  description?: string;
  permissions?: string[];
  projectIds?: string[] | null;
  environment?: 'live' | 'test';
  expiresIn?: '30d' | '90d' | 'never';
  expiresAt?: string | null;
  enabled?: boolean;
  metadata?: Record<string, unknown> | null;
  rateLimit?: RateLimitConfig | null;
  credits?: { remaining: number; refillAmount?: number | null; refillIntervalMs?: number | null } | null;
  ipRanges?: string[] | null;
}

export interface UpdateKeyInput {
  name?: string;
  description?: string;
  permissions?: string[];
  projectIds?: string[] | null;
  expiresAt?: string | null;
  enabled?: boolean;
  metadata?: Record<string, unknown> | null;
  rateLimit?: RateLimitConfig | null;
  credits?: { remaining: number; refillAmount?: number | null; refillIntervalMs?: number | null } | null;
  ipRanges?: string[] | null;
}

export type BulkAction = 'revoke' | 'delete' | 'regenerate' | 'enable' | 'disable';

export function toCredits(input: CreateKeyInput['credits'], now: number): CreditsState | null {
  if (!input) return null;
  const refill = input.refillAmount != null && input.refillIntervalMs != null;
  return {
    remaining: input.remaining,
    refillAmount: refill ? input.refillAmount! : null,
    refillIntervalMs: refill ? input.refillIntervalMs! : null,
    refilledAt: refill ? now : null,
  };
}
