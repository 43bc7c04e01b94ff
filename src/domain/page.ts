import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from './app-error.js';
import { isStorableText } from './storable-text.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where the previous page ended: the sort value and id of its last row. */
export interface CursorPosition {
  sort: string;
  value: string | number;
  id: string;
}

/** The server's cursor-signing key (see services/server-keys.ts): derived from the pepper, or stored once. */
export type CursorKey = Buffer;

const MAX_CURSOR_LENGTH = 512;
const MAC_BYTES = 16;
const ID = /^[a-z]{3}_[A-Za-z0-9]{20}$/;

function macOf(payload: string, scope: string, key: CursorKey): Buffer {
  // The scope is signed but not carried: a cursor replayed against another listing or other filters fails the MAC.
  return createHmac('sha256', key).update(scope).update('\u0000').update(payload).digest().subarray(0, MAC_BYTES);
}

/**
 * Cursors are opaque and signed: `base64url(position) "." base64url(HMAC(key, scope, position))`. Only this
 * server can mint one, so a forged or edited cursor is INVALID_CURSOR before any of it reaches a query, and
 * `scope` binds a cursor to the listing and filters it came from instead of silently skipping rows.
 */
export function encodeCursor(position: CursorPosition, scope: string, key: CursorKey): string {
  const payload = Buffer.from(JSON.stringify({ s: position.sort, v: position.value, i: position.id })).toString('base64url');
  return `${payload}.${macOf(payload, scope, key).toString('base64url')}`;
}

export function decodeCursor(cursor: string, scope: string, key: CursorKey): CursorPosition {
  const fail = () => new AppError('INVALID_CURSOR');
  if (cursor.length > MAX_CURSOR_LENGTH) throw fail();
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!match) throw fail();
  const [, payload, mac] = match as unknown as [string, string, string];
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, macOf(payload, scope, key))) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  // Signed cursors were minted from stored rows, so this only guards against a key that leaked: still nothing
  // the databases would refuse may reach a query.
  if (typeof parsed !== 'object' || parsed === null) throw fail();
  const { s, v, i } = parsed as Record<string, unknown>;
  if (typeof s !== 'string' || typeof i !== 'string' || !ID.test(i)) throw fail();
  if (typeof v === 'string' && v.length <= 256 && isStorableText(v)) return { sort: s, value: v, id: i };
  if (typeof v === 'number' && Number.isSafeInteger(v)) return { sort: s, value: v, id: i };
  throw fail();
}

/**
 * Turns the `limit + 1` rows a listing fetched into a page: the extra row only tells whether another page
 * exists, and the cursor points after the last row shown.
 */
export function pageFrom<R, T>(
  rows: readonly R[],
  limit: number,
  scope: string,
  key: CursorKey,
  positionOf: (row: R) => CursorPosition,
  map: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last), scope, key) : null };
}
