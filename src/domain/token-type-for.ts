import type { TokenType } from './token-format.js';

/**
 * A read permission names reading and nothing else: its last segment is `read` (`projects:read`,
 * `latchkey:keys:read`, qtrl's `read`) or its first is (Qodryx's `read:projects`, and `read:*`, which only
 * reaches beneath `read:`). `*`, other wildcards and every other level are not.
 */
export function isReadPermission(name: string): boolean {
  if (name === '*' || name.startsWith('@')) return false;
  const segments = name.split(':');
  const last = segments[segments.length - 1]!;
  return segments[0] === 'read' || last === 'read';
}

/**
 * The type a new organization key's secret carries (seed 001: `qx_live_`, `qx_test_`, `qx_ro_`; personal tokens are
 * always `pat`, in their policy). A live key holding at least one permission, all of them read permissions, is `ro`;
 * a test key stays `test` (a secret names one type, and for a test key it is the one that keeps it out of
 * production). A key with no permissions is not read-only, it reads nothing: it stays `live`.
 */
export function orgKeyTokenType(environment: 'live' | 'test' | undefined, permissions: readonly string[]): TokenType {
  if (environment === 'test') return 'test';
  return permissions.length > 0 && permissions.every(isReadPermission) ? 'ro' : 'live';
}
