import crypto from 'node:crypto';

/**
 * Compares two digests without leaking, through timing, how many leading characters matched. Calls
 * `crypto.timingSafeEqual` through the module object, not a named import, so a test can observe that the
 * comparison really is the constant-time one (test/domain/constant-equals.test.ts).
 */
export function constantEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    crypto.timingSafeEqual(left, left);
    return false;
  }
  return crypto.timingSafeEqual(left, right);
}
