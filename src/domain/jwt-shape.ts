/** Longest JWT access token accepted anywhere: a generous bound on header, claims (scope included) and signature. */
export const JWT_MAX_LENGTH = 4096;

const COMPACT_JWS = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a presented credential has the shape of a compact JWS (RFC 7515 §7.1) whose header is a JSON object.
 * Only the shape: what it says and who signed it are checked by whoever accepts it.
 */
export function looksLikeJwt(token: string): boolean {
  return token.length <= JWT_MAX_LENGTH && COMPACT_JWS.test(token);
}
