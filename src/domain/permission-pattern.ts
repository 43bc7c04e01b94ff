/**
 * Permissions are `:`-separated lowercase names (`projects:read`, `read:projects`, `reports:tests:write`).
 * A grant may be a wildcard: `*` (everything) or `segment:*` (everything beneath). Where the last segment
 * is an access level, `admin` implies `write`, which implies `read`, beneath the same prefix.
 * Two internal grants exist only for roles: `@api` (every permission outside Latchkey's own `latchkey:`
 * namespace) and `@api:read` (the read-level ones of those).
 */
export const PERMISSION_PATTERN = /^(\*|[a-z0-9][a-z0-9_.-]*(:[a-z0-9][a-z0-9_.-]*)*(:\*)?)$/;
export const PERMISSION_MAX_LENGTH = 128;
export const MANAGEMENT_NAMESPACE = 'latchkey:';

const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };

function split(name: string): { prefix: string; last: string } {
  const at = name.lastIndexOf(':');
  return at === -1 ? { prefix: '', last: name } : { prefix: name.slice(0, at + 1), last: name.slice(at + 1) };
}

export function isWildcard(name: string): boolean {
  return name === '*' || name.endsWith(':*');
}

function isApiPermission(name: string): boolean {
  return !name.startsWith(MANAGEMENT_NAMESPACE) && !name.startsWith('@') && name !== '*';
}

/** Does holding `grant` give everything that `wanted` names? Both may be patterns. */
export function covers(grant: string, wanted: string): boolean {
  if (grant === '*') return true;
  if (grant === wanted) return true;
  if (grant === '@api') return wanted === '@api:read' || isApiPermission(wanted);
  if (grant === '@api:read') {
    if (!isApiPermission(wanted) || isWildcard(wanted)) return false;
    return split(wanted).last === 'read';
  }
  if (wanted === '*' || wanted.startsWith('@')) return false;
  if (grant.endsWith(':*')) {
    const base = grant.slice(0, -1);
    return wanted.startsWith(base);
  }
  if (isWildcard(wanted)) return false;
  const g = split(grant);
  const w = split(wanted);
  const gl = LEVELS[g.last];
  const wl = LEVELS[w.last];
  return gl !== undefined && wl !== undefined && g.prefix === w.prefix && gl >= wl;
}

export function coveredByAny(grants: readonly string[], wanted: string): boolean {
  for (const grant of grants) if (covers(grant, wanted)) return true;
  return false;
}

/** The access level a permission grants, for presets and read-only detection; null when it names none. */
export function accessLevel(name: string): 'read' | 'write' | 'admin' | null {
  const last = split(name).last;
  return last === 'read' || last === 'write' || last === 'admin' ? last : null;
}
