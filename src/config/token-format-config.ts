import type { TokenFormat } from '../domain/token-format.js';
import { CONFIG_VARIABLES } from './config-variables.js';

/** The settings that shape secrets and the seed wire formats; docs/configuration.md describes each. */
export interface TokenFormatConfig {
  /** The secret prefix as configured (LATCHKEY_KEY_PREFIX); the same as `tokenFormat.prefix`. */
  keyPrefix: string;
  tokenFormat: TokenFormat;
  /** Mounts Kriten's `/api/v1/api_tokens` routes (seed 004) over the personal-token service. */
  kritenApi: boolean;
}

/**
 * LATCHKEY_KEY_PREFIX (default `lk`, letters of either case and digits) and LATCHKEY_TOKEN_TYPE_SEGMENT (default
 * on) together match any seed: `qtrl` + on gives `qtrl_live_…`, `qx` + on gives `qx_pat_…`, `KXTK` + off gives
 * Ketryx's `KXTK_…`, `kri` + off gives Kriten's `kri_…`. Read through the one table of variables, so a bad value
 * stops the start with the same one-line error as every other variable.
 */
export function tokenFormatConfig(env: NodeJS.ProcessEnv): TokenFormatConfig {
  const prefix = CONFIG_VARIABLES.LATCHKEY_KEY_PREFIX.read('LATCHKEY_KEY_PREFIX', env.LATCHKEY_KEY_PREFIX);
  const typeSegment = CONFIG_VARIABLES.LATCHKEY_TOKEN_TYPE_SEGMENT.read('LATCHKEY_TOKEN_TYPE_SEGMENT', env.LATCHKEY_TOKEN_TYPE_SEGMENT);
  const kritenApi = CONFIG_VARIABLES.LATCHKEY_KRITEN_API.read('LATCHKEY_KRITEN_API', env.LATCHKEY_KRITEN_API);
  return { keyPrefix: prefix, tokenFormat: { prefix, typeSegment }, kritenApi };
}

/** Kriten's clients send `Token: kri_…`; with its API mounted that header is accepted unless LATCHKEY_AUTH_HEADER names another. */
export function kritenAuthHeader(kritenApi: boolean): string | undefined {
  return kritenApi ? 'token' : undefined;
}
