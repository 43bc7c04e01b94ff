import { ID_KINDS } from '../domain/ids.js';
import { ConfigError } from './config-error.js';
import { TOKEN_PREFIX_PATTERN, type TokenFormat } from '../domain/token-format.js';

/** The settings that shape secrets and the seed wire formats; docs/configuration.md describes each. */
export interface TokenFormatConfig {
  /** The secret prefix as configured (LATCHKEY_KEY_PREFIX); the same as `tokenFormat.prefix`. */
  keyPrefix: string;
  tokenFormat: TokenFormat;
  /** Mounts Kriten's `/api/v1/api_tokens` routes (seed 004) over the personal-token service. */
  kritenApi: boolean;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === 'true' || raw === '1') return true;
  if (raw === 'off' || raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, JSON.stringify(env[name]), 'on, off, true, false, 1 or 0');
}

/**
 * LATCHKEY_KEY_PREFIX (default `lk`, letters of either case and digits) and LATCHKEY_TOKEN_TYPE_SEGMENT (default
 * on) together match any seed: `qtrl` + on gives `qtrl_live_…`, `qx` + on gives `qx_pat_…`, `KXTK` + off gives
 * Ketryx's `KXTK_…`, `kri` + off gives Kriten's `kri_…`.
 */
export function tokenFormatConfig(env: NodeJS.ProcessEnv): TokenFormatConfig {
  const prefix = env.LATCHKEY_KEY_PREFIX || 'lk';
  if (!TOKEN_PREFIX_PATTERN.test(prefix)) {
    throw new ConfigError('LATCHKEY_KEY_PREFIX', JSON.stringify(prefix), '1-16 letters (either case) or digits, starting with a letter, no underscore');
  }
  // Ids are `<kind>_` + 20 characters: a prefix spelled like a kind would make every id in a path look like a secret.
  if ((ID_KINDS as readonly string[]).includes(prefix.toLowerCase())) {
    throw new ConfigError('LATCHKEY_KEY_PREFIX', JSON.stringify(prefix), `a prefix other than the id prefixes (${ID_KINDS.join(', ')})`, 'is an id prefix');
  }
  const typeSegment = onOff(env, 'LATCHKEY_TOKEN_TYPE_SEGMENT', true);
  return { keyPrefix: prefix, tokenFormat: { prefix, typeSegment }, kritenApi: onOff(env, 'LATCHKEY_KRITEN_API', false) };
}

/** Kriten's clients send `Token: kri_…`; with its API mounted that header is accepted unless LATCHKEY_AUTH_HEADER names another. */
export function kritenAuthHeader(env: NodeJS.ProcessEnv): string | undefined {
  return onOff(env, 'LATCHKEY_KRITEN_API', false) ? 'Token' : undefined;
}
