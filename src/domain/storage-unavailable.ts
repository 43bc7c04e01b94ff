import { AppError } from './app-error.js';

/** What a client is told to wait before trying again while storage is unreachable. */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/**
 * The one error every storage fault becomes: 503 STORAGE_UNAVAILABLE with Retry-After. The driver's error is the
 * cause, logged but never sent.
 */
export function storageUnavailable(cause?: unknown): AppError {
  return new AppError('STORAGE_UNAVAILABLE', { headers: { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) }, ...(cause === undefined ? {} : { cause }) });
}

export function isStorageUnavailable(error: unknown): boolean {
  return error instanceof AppError && error.code === 'STORAGE_UNAVAILABLE';
}
