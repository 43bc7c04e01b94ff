import { randomBytes } from 'node:crypto';

/**
 * An incoming X-Request-Id is kept when it is 1 to 128 characters of letters, digits and `.`, `_`, `:`, `-`
 * (enough for UUIDs, ULIDs and tracing ids, and nothing that could break a log line or a header); otherwise the
 * request gets a fresh one. docs/api.md promises this rule.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Generated ids only need to be unique, not secret: a random per-process prefix and a counter cost nothing per
 * request, where drawing random bytes every time showed up in the verification profile.
 */
export function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `req_${prefix}${(++counter).toString(36).padStart(6, '0')}`;
}

/** The caller's id when it is well formed, else the next generated one. */
export function chooseRequestId(incoming: string | string[] | undefined, next: () => string): string {
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : next();
}
