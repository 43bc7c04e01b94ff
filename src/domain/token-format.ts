import { encodeBase62, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';

/**
 * `live` and `test` are organization keys in each environment; `pat` is a personal access token; `inv` is an
 * invitation to join an organization. An invitation is not a credential (no route accepts it as one), but it is
 * a secret of the same shape, so the URL filter, log redaction and secret scanners treat it like the others.
 */
export const TOKEN_TYPES = ['live', 'test', 'pat', 'inv'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** 32 base62 characters carry 32 × log2(62) ≈ 190 bits from the CSPRNG, above the 160 the brief asks for. */
export const TOKEN_BODY_LENGTH = 32;
export const TOKEN_CHECKSUM_LENGTH = 6;
/** Characters of the body kept in the clear as the key's display start. */
export const DISPLAY_START_LENGTH = 4;
/** A deployment prefix is lowercase and has no underscore, so the first two underscores always split a token. */
export const TOKEN_PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

export interface ParsedToken {
  prefix: string;
  type: TokenType;
  body: string;
}

function checksumOf(text: string): string {
  return encodeBase62(crc32(text), TOKEN_CHECKSUM_LENGTH);
}

export function generateToken(prefix: string, type: TokenType): string {
  const head = `${prefix}_${type}_${randomBase62(TOKEN_BODY_LENGTH)}`;
  return head + checksumOf(head);
}

/**
 * Checks shape and checksum without touching storage, so garbage and typos are turned away for the cost of a
 * CRC. Returns null for anything that is not a well-formed token of this deployment.
 */
export function parseToken(token: string, prefix: string): ParsedToken | null {
  const expectedLength = prefix.length + 1 + 4 + 1 + TOKEN_BODY_LENGTH + TOKEN_CHECKSUM_LENGTH;
  const typeLength = token.length - expectedLength + 4;
  if (typeLength !== 3 && typeLength !== 4) return null;
  if (!token.startsWith(prefix) || token[prefix.length] !== '_') return null;
  const typeEnd = prefix.length + 1 + typeLength;
  const type = token.slice(prefix.length + 1, typeEnd);
  if (!(TOKEN_TYPES as readonly string[]).includes(type)) return null;
  if (token[typeEnd] !== '_') return null;
  const rest = token.slice(typeEnd + 1);
  if (!/^[A-Za-z0-9]+$/.test(rest)) return null;
  const split = token.length - TOKEN_CHECKSUM_LENGTH;
  if (checksumOf(token.slice(0, split)) !== token.slice(split)) return null;
  return { prefix, type: type as TokenType, body: rest.slice(0, TOKEN_BODY_LENGTH) };
}

/** What lists show so a person can tell keys apart: prefix, type and the first few body characters. */
export function displayStart(token: string): string {
  const parsedHead = token.lastIndexOf('_');
  return token.slice(0, parsedHead + 1 + DISPLAY_START_LENGTH);
}

/** The regular expression published for secret scanners, one per token type. */
export function tokenRegex(prefix: string, type: TokenType): RegExp {
  return new RegExp(`\\b${prefix}_${type}_[A-Za-z0-9]{${TOKEN_BODY_LENGTH + TOKEN_CHECKSUM_LENGTH}}\\b`);
}

/** True when a string looks like any token of this deployment, checksum included; used to refuse secrets in URLs. */
export function looksLikeToken(value: string, prefix: string): boolean {
  return parseToken(value, prefix) !== null;
}
