import { TOKEN_BODY_LENGTH, TOKEN_CHECKSUM_LENGTH, TOKEN_TYPES, type TokenFormat, type TokenType } from './token-format.js';

const TAIL_LENGTH = TOKEN_BODY_LENGTH + TOKEN_CHECKSUM_LENGTH;

/** Enough of a body to be most of a secret: a truncated or mistyped token is still refused in URLs and cut from logs. */
const LEAK_BODY_MIN = 16;

export interface ScannerPattern {
  /** The token types this expression finds; all of them when the format carries no type segment. */
  types: TokenType[];
  /** A regular expression in the syntax common to JavaScript, PCRE, RE2 and Go (no lookaround). */
  regex: string;
}

/**
 * What secret scanners (GitHub push protection, gitleaks, trufflehog) should look for: one exact expression per
 * type, or one for every type when the format has no type segment (the secret then does not say its type).
 */
export function scannerPatterns(format: TokenFormat): ScannerPattern[] {
  if (!format.typeSegment) return [{ types: [...TOKEN_TYPES], regex: `\\b${format.prefix}_[A-Za-z0-9]{${TAIL_LENGTH}}\\b` }];
  return TOKEN_TYPES.map((type) => ({ types: [type], regex: `\\b${format.prefix}_${type}_[A-Za-z0-9]{${TAIL_LENGTH}}\\b` }));
}

/**
 * A JWT access token (RFC 9068): a JSON header (`eyJ`), claims and the start of a signature. Its signature is
 * what makes it a credential, so one cut short within its signature still counts.
 */
export const JWT_LEAK_SOURCE = 'eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}';

/**
 * A token of this deployment anywhere in a text, in any case and cut short to 16 body characters, or a JWT access
 * token: what the URL filter refuses and what log redaction removes.
 */
export function leakPattern(format: TokenFormat, flags = 'i'): RegExp {
  const type = format.typeSegment ? `(?:${TOKEN_TYPES.join('|')})_` : '';
  return new RegExp(`${format.prefix}_${type}[A-Za-z0-9]{${LEAK_BODY_MIN},}|${JWT_LEAK_SOURCE}`, flags);
}

/**
 * A token of any deployment's format, for logs that must stay clean whatever the configuration was when a secret
 * was written: a typed token cut short, or an untyped one at full length (so ids such as `key_` + 20 characters
 * are left alone).
 */
export const ANY_FORMAT_LEAK_SOURCE = `[A-Za-z][A-Za-z0-9]{0,15}_(?:(?:${TOKEN_TYPES.join('|')})_[A-Za-z0-9]{${LEAK_BODY_MIN},}|[A-Za-z0-9]{${TAIL_LENGTH},})`;
