import type { Credits, KeyView, RateLimit } from '../api/types.js';

export type IntervalUnit = 'minutes' | 'hours' | 'days';
const UNIT_MS: Record<IntervalUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The advanced options of a key as the form holds them: text, exactly as typed, so nothing is lost while editing. */
export interface AdvancedValues {
  rateLimit: string;
  rateWindowSeconds: string;
  creditsRemaining: string;
  refillAmount: string;
  refillInterval: string;
  refillUnit: IntervalUnit;
  ipRanges: string;
  metadata: string;
}

export interface AdvancedBody {
  rateLimit: RateLimit | null;
  credits: Credits | null;
  ipRanges: string[] | null;
  metadata: Record<string, unknown> | null;
}

export const EMPTY_ADVANCED: AdvancedValues = {
  rateLimit: '',
  rateWindowSeconds: '60',
  creditsRemaining: '',
  refillAmount: '',
  refillInterval: '',
  refillUnit: 'days',
  ipRanges: '',
  metadata: '',
};

export function advancedFromKey(key: KeyView): AdvancedValues {
  const interval = key.credits?.refillIntervalMs ?? null;
  const unit: IntervalUnit = interval === null || interval % UNIT_MS.days === 0 ? 'days' : interval % UNIT_MS.hours === 0 ? 'hours' : 'minutes';
  return {
    rateLimit: key.rateLimit ? String(key.rateLimit.limit) : '',
    rateWindowSeconds: key.rateLimit ? String(key.rateLimit.windowMs / 1000) : '60',
    creditsRemaining: key.credits ? String(key.credits.remaining) : '',
    refillAmount: key.credits?.refillAmount != null ? String(key.credits.refillAmount) : '',
    refillInterval: interval !== null ? String(interval / UNIT_MS[unit]) : '',
    refillUnit: unit,
    ipRanges: (key.ipRanges ?? []).join('\n'),
    metadata: key.metadata ? JSON.stringify(key.metadata, null, 2) : '',
  };
}

/** A whole number from 1 (or `min`) to `max`, or a message saying what is wrong. */
export function parseCount(text: string, what: string, min = 1, max = 1_000_000_000): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `${what} must be a whole number${min > 0 ? ' greater than 0' : ''}.`;
  const value = Number(trimmed);
  if (value < min) return `${what} must be at least ${min}.`;
  if (value > max) return `${what} must be at most ${max.toLocaleString()}.`;
  return value;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

/** The shape of `10.0.0.0/8`, `2001:db8::/32` or a bare address; the server has the final word. */
export function isCidrShaped(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return false;
  if (IPV4.test(address)) return prefix === undefined || Number(prefix) <= 32;
  if (address.includes(':') && IPV6.test(address) && (address.match(/::/g) ?? []).length <= 1) return prefix === undefined || Number(prefix) <= 128;
  return false;
}

/**
 * Checks the advanced options and turns them into the request's fields. Errors are keyed by the form field they
 * belong to (`rateLimit`, `rateWindowSeconds`, `creditsRemaining`, `refillAmount`, `refillInterval`, `ipRanges`,
 * `metadata`); with any error the body must not be sent.
 */
export function parseAdvanced(values: AdvancedValues): { errors: Record<string, string>; body: AdvancedBody } {
  const errors: Record<string, string> = {};
  const body: AdvancedBody = { rateLimit: null, credits: null, ipRanges: null, metadata: null };

  if (values.rateLimit.trim() !== '') {
    const limit = parseCount(values.rateLimit, 'The request limit');
    const window = parseCount(values.rateWindowSeconds, 'The window', 1, 86_400);
    if (typeof limit === 'string') errors.rateLimit = limit;
    if (typeof window === 'string') errors.rateWindowSeconds = window;
    if (typeof limit === 'number' && typeof window === 'number') body.rateLimit = { limit, windowMs: window * 1000 };
  }

  const refillGiven = values.refillAmount.trim() !== '' || values.refillInterval.trim() !== '';
  if (values.creditsRemaining.trim() !== '') {
    const remaining = parseCount(values.creditsRemaining, 'Credits', 0, 1_000_000_000_000);
    if (typeof remaining === 'string') errors.creditsRemaining = remaining;
    let refill: { refillAmount: number; refillIntervalMs: number } | null = null;
    if (refillGiven) {
      const amount = parseCount(values.refillAmount || '', 'The refill amount', 1, 1_000_000_000_000);
      const interval = Number(values.refillInterval.trim());
      const intervalMs = Math.round(interval * UNIT_MS[values.refillUnit]);
      if (typeof amount === 'string') errors.refillAmount = values.refillAmount.trim() === '' ? 'Give the refill amount too, or clear the interval.' : amount;
      if (values.refillInterval.trim() === '') errors.refillInterval = 'Give the refill interval too, or clear the amount.';
      else if (!Number.isFinite(interval) || interval <= 0) errors.refillInterval = 'The interval must be a number greater than 0.';
      else if (intervalMs < 60_000) errors.refillInterval = 'The interval must be at least 1 minute.';
      else if (intervalMs > 31_622_400_000) errors.refillInterval = 'The interval must be at most 366 days.';
      if (typeof amount === 'number' && !errors.refillInterval) refill = { refillAmount: amount, refillIntervalMs: intervalMs };
    }
    if (typeof remaining === 'number') body.credits = { remaining, ...(refill ?? {}) };
  } else if (refillGiven) {
    errors.creditsRemaining = 'A refill needs a starting number of credits.';
  }

  const ranges = values.ipRanges
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (ranges.length > 0) {
    const bad = ranges.filter((range) => !isCidrShaped(range));
    if (bad.length > 0) errors.ipRanges = `Not an IP range: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''}. Write one per line, like 10.0.0.0/8 or 2001:db8::/32.`;
    else if (ranges.length > 100) errors.ipRanges = 'At most 100 IP ranges.';
    else body.ipRanges = ranges;
  }

  if (values.metadata.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(values.metadata);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) errors.metadata = 'Metadata must be a JSON object, like {"team": "billing"}.';
      else body.metadata = parsed as Record<string, unknown>;
    } catch (caught) {
      errors.metadata = `Metadata is not valid JSON: ${caught instanceof Error ? caught.message : 'parse error'}.`;
    }
  }
  return { errors, body };
}

/** Which server field a form field's error belongs to, and back: the server says `credits`, the form has three boxes. */
export const ADVANCED_SERVER_FIELDS: Record<string, keyof AdvancedValues> = {
  rateLimit: 'rateLimit',
  credits: 'creditsRemaining',
  ipRanges: 'ipRanges',
  metadata: 'metadata',
};
