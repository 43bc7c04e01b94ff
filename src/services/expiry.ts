import { AppError } from '../domain/app-error.js';
import { parseIsoInstant } from '../domain/iso-instant.js';

const DAY = 86_400_000;

/** Resolves the two ways of naming an expiry into epoch milliseconds, or null for never. */
export function resolveExpiry(input: { expiresIn?: '30d' | '90d' | 'never'; expiresAt?: string | null }, now: number): number | null {
  if (input.expiresIn !== undefined && input.expiresAt !== undefined && input.expiresAt !== null) {
    throw new AppError('VALIDATION_FAILED', { message: 'Give expiresIn or expiresAt, not both.', details: { field: 'expiresAt' } });
  }
  if (input.expiresIn === '30d') return now + 30 * DAY;
  if (input.expiresIn === '90d') return now + 90 * DAY;
  if (input.expiresAt === undefined || input.expiresAt === null) return null;
  return futureTime(input.expiresAt, now);
}

export function futureTime(text: string, now: number): number {
  const at = parseInstant(text, 'expiresAt');
  if (at <= now) throw new AppError('EXPIRY_IN_PAST', { details: { field: 'expiresAt' } });
  if (at > Date.UTC(9999, 0, 1)) throw new AppError('VALIDATION_FAILED', { message: 'expiresAt is too far in the future.', details: { field: 'expiresAt' } });
  return at;
}

/** An ISO 8601 date-time in epoch milliseconds; anything else (a bare date, a locale string, February 30) is refused. */
export function parseInstant(text: string, field: string): number {
  const at = parseIsoInstant(text);
  if (at === null) {
    throw new AppError('VALIDATION_FAILED', { message: `${field} must be an ISO 8601 date-time.`, details: { field } });
  }
  return at;
}
