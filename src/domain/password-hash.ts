import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { constantEquals } from './constant-equals.js';

/** OWASP's minimum for scrypt: N=2^17, r=8, p=1. The cost is log2(N). */
export const DEFAULT_PASSWORD_HASH_COST = 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

interface Params {
  N: number;
  r: number;
  p: number;
}

/** scrypt needs 128·N·r·p bytes (128 MiB at 2^17); Node's default cap is 32 MiB, so the cap follows the cost. */
function maxmemFor(params: Params): number {
  return 128 * params.N * params.r * params.p + 16 * 1024 * 1024;
}

function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Reads `scrypt$N$r$p$salt$hash`. Bounds stop a damaged row from asking for gigabytes; anything else is not a
 * hash this code made and verifies as false.
 */
function parse(stored: string): (Params & { salt: string; hash: string }) | null {
  const [scheme, n, r, p, salt, hash, extra] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || extra !== undefined) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(params.N) && params.N >= 2 ** 10 && params.N <= 2 ** 20 && (params.N & (params.N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(params.r) || params.r < 1 || params.r > 32 || !Number.isInteger(params.p) || params.p < 1 || params.p > 16) return null;
  return { ...params, salt, hash };
}

/**
 * Stored as `scrypt$N$r$p$salt$hash`: the parameters travel with each hash, so raising the cost never
 * invalidates old hashes, and `needsRehash` tells sign-in to upgrade them.
 */
export async function hashPassword(password: string, cost: number = DEFAULT_PASSWORD_HASH_COST): Promise<string> {
  const params = { N: 2 ** cost, r: R, p: P };
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, Buffer.from(parsed.salt, 'base64url'), parsed);
  return constantEquals(key.toString('base64url'), parsed.hash);
}

/** True when `stored` was made with other parameters than `cost` would use now (weaker, or simply different). */
export function needsRehash(stored: string, cost: number = DEFAULT_PASSWORD_HASH_COST): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N !== 2 ** cost || parsed.r !== R || parsed.p !== P;
}

/**
 * A fixed hash at the current cost to verify against when the email is unknown, so response time does not
 * reveal which emails exist.
 */
export function dummyPasswordHash(cost: number = DEFAULT_PASSWORD_HASH_COST): string {
  return `scrypt$${2 ** cost}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
}
