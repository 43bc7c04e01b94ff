import { isIP } from 'node:net';
import type { RateLimitConfig } from '../domain/api-key.js';

/** Turns one variable's raw text into its value; `fail(problem?)` throws the ConfigError naming the variable. */
export type Parse<T> = (raw: string, fail: (problem?: string) => never) => T;

export interface EnvParser<T> {
  /** The accepted values, as printed in the error and checked against docs/configuration.md. */
  accepts: string;
  parse: Parse<T>;
}

export function integer(min: number, max: number): EnvParser<number> {
  return {
    accepts: `a whole number between ${min} and ${max}`,
    parse(raw, fail) {
      if (!/^\d+$/.test(raw)) fail();
      const value = Number(raw);
      if (value < min || value > max) fail('is out of range');
      return value;
    },
  };
}

/** Only the spellings nobody misreads: `yes`, `on` or `TRUE ` are refused rather than guessed at. */
export const boolean: EnvParser<boolean> = {
  accepts: 'true, false, 1 or 0',
  parse(raw, fail) {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    return fail();
  },
};

/** For switches whose docs speak of on and off (the seeds' formats); the booleans' spellings work too. */
export const onOff: EnvParser<boolean> = {
  accepts: 'on, off, true, false, 1 or 0',
  parse(raw, fail) {
    if (raw === 'on' || raw === 'true' || raw === '1') return true;
    if (raw === 'off' || raw === 'false' || raw === '0') return false;
    return fail();
  },
};

export function oneOf<const T extends string>(values: readonly T[]): EnvParser<T> {
  return {
    accepts: values.join(', '),
    parse: (raw, fail) => ((values as readonly string[]).includes(raw) ? (raw as T) : fail()),
  };
}

export function matching(pattern: RegExp, accepts: string): EnvParser<string> {
  return { accepts, parse: (raw, fail) => (pattern.test(raw) ? raw : fail()) };
}

export const anyText: EnvParser<string> = { accepts: 'any text', parse: (raw) => raw };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `100/60s`, `10/1m`, `5000/1h`; with `allowOff`, `off` means no limit. */
export function rate(allowOff: boolean): EnvParser<RateLimitConfig | null> {
  return {
    accepts: `count/window with a positive count and a window in ms, s, m or h (100/60s, 5000/1h)${allowOff ? ', or off' : ''}`,
    parse(raw, fail) {
      if (allowOff && raw === 'off') return null;
      const match = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(raw);
      if (!match) return fail();
      const limit = Number(match[1]);
      const windowMs = Number(match[2]) * UNITS[match[3]!]!;
      if (limit < 1 || windowMs < 1 || !Number.isSafeInteger(limit) || !Number.isSafeInteger(windowMs)) fail();
      return { limit, windowMs };
    },
  };
}

/** An IPv4 or IPv6 address, optionally with a CIDR prefix length that fits it. */
export function isAddressOrRange(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
