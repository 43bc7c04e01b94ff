import { crc32 } from 'node:zlib';
import { encodeBase62, randomBase62 } from './base62.js';

/**
 * `live` and `test` are organization keys in each environment; `ro` is a live organization key whose permissions
 * are all read permissions (token-type-for.ts); `pat` is a personal access token; `inv` is an invitation to join
 * an organization. An invitation is not a credential (no route accepts it as one), but it is a secret of the same
 * shape, so the URL filter, log redaction and secret scanners treat it like the others. `oauth` is an OAuth 2.0
 * access token (a credential like `pat`), `refresh` an OAuth refresh token and `secret` an OAuth client secret:
 * neither of the last two is accepted as a Bearer credential (they live in their own tables), but they share the
 * shape for the same reason invitations do.
 */
export const TOKEN_TYPES = ['live', 'test', 'ro', 'pat', 'inv', 'oauth', 'refresh', 'secret'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * How this deployment spells its secrets: `<prefix>_<type>_<body><checksum>` with the type segment (`lk_live_…`,
 * `qtrl_live_…`, `qx_pat_…`), or `<prefix>_<body><checksum>` without it (Ketryx's `KXTK_…`, Kriten's `kri_…`).
 * Without the segment a secret does not say what it is; the key's row does (kind and type are stored either way).
 */
export interface TokenFormat {
  prefix: string;
  typeSegment: boolean;
}

export const DEFAULT_TOKEN_FORMAT: TokenFormat = { prefix: 'lk', typeSegment: true };

/** 32 base62 characters carry 32 × log2(62) ≈ 190 bits from the CSPRNG, above the 160 the brief asks for. */
export const TOKEN_BODY_LENGTH = 32;
export const TOKEN_CHECKSUM_LENGTH = 6;
/** Characters of the body kept in the clear as the key's display start. */
export const DISPLAY_START_LENGTH = 4;
/**
 * Letters (either case) and digits, starting with a letter, no underscore: the first underscore (and, with a type
 * segment, the second) always splits a token, and the body never contains one.
 */
export const TOKEN_PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,15}$/;

const TAIL = /^[A-Za-z0-9]+$/;
const TYPES: ReadonlySet<string> = new Set(TOKEN_TYPES);

export interface ParsedToken {
  prefix: string;
  /** Null when the format has no type segment: the type is known only from storage. */
  type: TokenType | null;
  body: string;
}

/** CRC-32 (IEEE 802.3, as zlib computes it) of the ASCII head, in six base62 characters. */
function checksumOf(head: string): string {
  return encodeBase62(crc32(head), TOKEN_CHECKSUM_LENGTH);
}

export function generateToken(format: TokenFormat, type: TokenType): string {
  const head = `${format.prefix}_${format.typeSegment ? `${type}_` : ''}${randomBase62(TOKEN_BODY_LENGTH)}`;
  return head + checksumOf(head);
}

/**
 * Checks shape and checksum without touching storage, so garbage and typos are turned away for the cost of a
 * CRC. Returns null for anything that is not a well-formed token of this deployment; callers answer null exactly
 * as they answer an unknown key.
 */
export function parseToken(token: string, format: TokenFormat): ParsedToken | null {
  const { prefix } = format;
  if (!token.startsWith(prefix) || token[prefix.length] !== '_') return null;
  let at = prefix.length + 1;
  let type: TokenType | null = null;
  if (format.typeSegment) {
    const end = token.indexOf('_', at);
    if (end === -1) return null;
    const named = token.slice(at, end);
    if (!TYPES.has(named)) return null;
    type = named as TokenType;
    at = end + 1;
  }
  if (token.length - at !== TOKEN_BODY_LENGTH + TOKEN_CHECKSUM_LENGTH) return null;
  const rest = token.slice(at);
  if (!TAIL.test(rest)) return null;
  const split = token.length - TOKEN_CHECKSUM_LENGTH;
  if (checksumOf(token.slice(0, split)) !== token.slice(split)) return null;
  return { prefix, type, body: rest.slice(0, TOKEN_BODY_LENGTH) };
}

/** What lists show so a person can tell keys apart: prefix, type (if the format has it) and four body characters. */
export function displayStart(token: string): string {
  const bodyStart = token.lastIndexOf('_') + 1;
  return token.slice(0, bodyStart + DISPLAY_START_LENGTH);
}
