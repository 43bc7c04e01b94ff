import { AppError } from './app-error.js';

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

/**
 * Cursors are opaque to clients but not secret: every query is scoped to the caller's organization, so a forged
 * cursor can only move within rows the caller may see anyway. `scope` binds a cursor to the listing and filters
 * it came from; a cursor replayed against other filters is refused instead of silently skipping rows.
 */
export function encodeCursor(position: CursorPosition, scope: string): string {
  return Buffer.from(JSON.stringify({ s: position.sort, v: position.value, i: position.id, f: scope })).toString('base64url');
}

export function decodeCursor(cursor: string, scope: string): CursorPosition {
  const fail = () => new AppError('INVALID_CURSOR');
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (typeof parsed !== 'object' || parsed === null) throw fail();
  const { s, v, i, f } = parsed as Record<string, unknown>;
  if (typeof s !== 'string' || typeof i !== 'string' || f !== scope) throw fail();
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) throw fail();
  if (i.length > 64 || (typeof v === 'string' && v.length > 256)) throw fail();
  return { sort: s, value: v, id: i };
}

/**
 * Turns the `limit + 1` rows a listing fetched into a page: the extra row only tells whether another page
 * exists, and the cursor points after the last row shown.
 */
export function pageFrom<R, T>(rows: readonly R[], limit: number, scope: string, positionOf: (row: R) => CursorPosition, map: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last), scope) : null };
}
