import { API_USAGE_CODE, VERIFY_CODES } from '../../../src/domain/verify-codes.js';
import type { UsageBucket } from '../api/types.js';

export type Granularity = 'hour' | 'day';

export const UNIT_MS: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000 };

/** Successes first, then the failure codes in the registry's order, then calls to Latchkey's own API. */
const ORDER: readonly string[] = [...VERIFY_CODES, API_USAGE_CODE];

const COLOURS: Record<string, string> = {
  VALID: '#1f7a3f',
  NOT_FOUND: '#6b7280',
  REVOKED: '#3a2020',
  EXPIRED: '#b42318',
  DISABLED: '#a3acb9',
  INSUFFICIENT_PERMISSIONS: '#e07b00',
  PROJECT_FORBIDDEN: '#8e44ad',
  IP_FORBIDDEN: '#0e7490',
  RATE_LIMITED: '#d6336c',
  USAGE_EXCEEDED: '#5b3cc4',
  API: '#2357d9',
};
const SPARE = ['#795548', '#009688', '#9e9d24', '#ff5722'];

/**
 * The server sends only buckets that had calls; a chart with gaps squeezed out would lie about time, so every
 * bucket from `from` on gets a place, empty ones with no counts.
 */
export function fillUsage(buckets: readonly UsageBucket[], granularity: Granularity, from: number, count: number): UsageBucket[] {
  const unit = UNIT_MS[granularity];
  const byStart = new Map(buckets.map((b) => [Math.floor(Date.parse(b.start) / unit) * unit, b.counts]));
  return Array.from({ length: count }, (_, i) => {
    const start = from + i * unit;
    return { start: new Date(start).toISOString(), counts: byStart.get(start) ?? {} };
  });
}

/** The codes that occur, in a stable order so a code keeps its place and colour between periods. */
export function usageCodes(buckets: readonly UsageBucket[]): string[] {
  const seen = new Set<string>();
  for (const bucket of buckets) for (const [code, n] of Object.entries(bucket.counts)) if (n > 0) seen.add(code);
  const known = ORDER.filter((code) => seen.has(code));
  const other = [...seen].filter((code) => !ORDER.includes(code)).sort();
  return [...known, ...other];
}

export function codeColour(code: string, codes: readonly string[]): string {
  return COLOURS[code] ?? SPARE[codes.indexOf(code) % SPARE.length] ?? '#444';
}

export function codeLabel(code: string): string {
  if (code === 'VALID') return 'VALID (success)';
  if (code === 'API') return 'API (calls to Latchkey made with the key)';
  return code;
}

export function bucketTotal(bucket: UsageBucket): number {
  return Object.values(bucket.counts).reduce((sum, n) => sum + n, 0);
}

/** Hours read in the reader's clock; days are UTC days, as the server counts them. */
export function bucketLabel(start: string, granularity: Granularity): string {
  const date = new Date(start);
  if (granularity === 'hour') return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}
