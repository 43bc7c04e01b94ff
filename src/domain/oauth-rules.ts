import { createHash } from 'node:crypto';
import { constantEquals } from './constant-equals.js';

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. The challenge (S256, base64url of 32 bytes) is 43. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function isCodeChallenge(value: string): boolean {
  return CHALLENGE.test(value);
}

/** S256 only: `plain` is refused at the authorization endpoint, so every stored challenge is a digest. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  return constantEquals(createHash('sha256').update(verifier).digest('base64url'), challenge);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * What may be registered as a redirect URI (RFC 9700 §2.1, §2.6; RFC 8252 §7.3): an absolute https URL, or http
 * on a loopback address for native apps; never a fragment, never user info. Returns a problem, or null.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length > 2000) return 'is longer than 2000 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.hash !== '' || uri.includes('#')) return 'must not carry a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry user information';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must be https (http only on a loopback address)';
}

/**
 * Exact string comparison (RFC 9700 §4.1.3), except that a loopback redirect URI matches on any port
 * (RFC 8252 §7.3), since a native app's port is chosen when it runs.
 */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  let url: URL;
  try {
    url = new URL(presented);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return false;
  return registered.some((uri) => {
    const candidate = new URL(uri);
    if (candidate.protocol !== 'http:' || candidate.hostname !== url.hostname) return false;
    candidate.port = url.port;
    return candidate.href === url.href && withoutPort(uri) === withoutPort(presented);
  });
}

function withoutPort(uri: string): string {
  return uri.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost))(?::\d+)?/, '$1');
}

/** OAuth scope strings (RFC 6749 §3.3): space-delimited, each `%x21 / %x23-5B / %x5D-7E`; duplicates collapse. */
export function parseScope(scope: string | undefined): string[] | null {
  if (scope === undefined) return [];
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope)) return null;
  return [...new Set(scope.split(' '))];
}
