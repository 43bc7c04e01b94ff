/**
 * Verification bookkeeping (last-used times, per-hour outcome counts) kept off the hot path: `record` must not
 * wait for storage, so it is synchronous and an implementation buffers. `flush` writes what has gathered (reads of
 * usage call it first so they see their own verifications); `start` and `stop` bracket the instance's life, and
 * `stop` writes what is still pending.
 */
export interface UsageRecorder {
  /** Rows (one per key, hour and outcome) waiting for storage. */
  readonly pendingRows: number;
  /** How long the last flush that wrote something took, in milliseconds; undefined before the first. */
  readonly lastFlushMs: number | undefined;
  record(keyId: string, orgId: string, code: string, now: number, used: boolean): void;
  flush(): Promise<void>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}
