import type { Storage } from '../storage/storage.js';

const HOUR = 3_600_000;

/**
 * Keeps verification bookkeeping off the hot path: last-used times and per-hour outcome counts gather in memory
 * and reach storage in batches, every flush interval and on shutdown. A crash loses at most one interval of
 * counts, never a key's state.
 */
export class UsageRecorder {
  private lastUsed = new Map<string, number>();
  private counts = new Map<string, { keyId: string; orgId: string; bucket: number; code: string; count: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(keyId: string, orgId: string, code: string, now: number, used: boolean): void {
    if (used) {
      const previous = this.lastUsed.get(keyId);
      if (previous === undefined || previous < now) this.lastUsed.set(keyId, now);
    }
    const bucket = now - (now % HOUR);
    const id = `${keyId}|${bucket}|${code}`;
    const entry = this.counts.get(id);
    if (entry) entry.count++;
    else this.counts.set(id, { keyId, orgId, bucket, code, count: 1 });
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Writes what has gathered. Rows for keys deleted in the meantime are dropped, not retried. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.lastUsed.size === 0 && this.counts.size === 0) return;
    const lastUsed = this.lastUsed;
    const counts = this.counts;
    this.lastUsed = new Map();
    this.counts = new Map();
    this.flushing = (async () => {
      try {
        await this.storage.repos.keys.recordLastUsed([...lastUsed].map(([keyId, at]) => ({ keyId, at })));
      } catch (error) {
        this.onError(error);
      }
      try {
        await this.storage.repos.usage.add([...counts.values()]);
      } catch (error) {
        this.onError(error);
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }
}
