import { createHmac, randomBytes } from 'node:crypto';
import type { CursorKey } from '../domain/page.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';

const CURSOR_KEY_NAME = 'cursor-hmac-v1';

/**
 * The key that signs pagination cursors. With LATCHKEY_PEPPER it is derived from the pepper, so nothing about
 * it is stored; without one, a random 32-byte key is generated on first use and stored in the database, where
 * every instance on that database finds the same one. Loaded once; a failed load is retried on the next call.
 */
export function cursorKeySource(pepper: string | undefined, storage: UnitOfWork, now: () => number): () => Promise<CursorKey> {
  return serverKeySource(CURSOR_KEY_NAME, pepper, storage, now);
}

/** A 32-byte server key for one purpose (cursor signing, OAuth consent forms), made as described above. */
export function serverKeySource(name: string, pepper: string | undefined, storage: UnitOfWork, now: () => number): () => Promise<Buffer> {
  if (pepper) {
    const derived = createHmac('sha256', pepper).update(`latchkey:${name}`).digest();
    return async () => derived;
  }
  let loading: Promise<CursorKey> | undefined;
  return () => {
    loading ??= storage
      .run((repos) => repos.serverSecrets.getOrCreate(name, randomBytes(32).toString('base64url'), now()))
      .then((value) => Buffer.from(value, 'base64url'))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };
}
