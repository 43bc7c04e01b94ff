import { timingSafeEqual } from 'node:crypto';

/** Compares two digests without leaking, through timing, how many leading characters matched. */
export function constantEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
