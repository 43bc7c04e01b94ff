import type { RateLimitConfig } from '../domain/api-key.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `100/60s`, `10/1m`, `5000/1h`; `off` or empty means no limit. */
export function parseRate(text: string | undefined, name: string): RateLimitConfig | null {
  if (text === undefined || text === '' || text === 'off') return null;
  const match = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`${name} must look like 100/60s (count/window with ms, s, m or h), got "${text}"`);
  const limit = Number(match[1]);
  const windowMs = Number(match[2]) * UNITS[match[3]!]!;
  if (limit < 1 || windowMs < 1) throw new Error(`${name} needs a positive count and window`);
  return { limit, windowMs };
}
