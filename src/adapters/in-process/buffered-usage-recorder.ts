import { isStorageUnavailable } from '../../domain/storage-unavailable.js';
import type { BackgroundLog } from '../../ports/background-log.js';
import type { UsageRecorder } from '../../ports/usage-recorder.js';
import type { Repositories } from '../../storage/repositories.js';
import type { LastUse, UsageIncrement } from '../../storage/repositories/usage-repository.js';
import type { Storage } from '../../storage/storage.js';

const HOUR = 3_600_000;

/**
 * Keeps verification bookkeeping off the hot path: last-used times and per-hour outcome counts gather in memory
 * and reach storage in batches, every flush interval and on shutdown. What storage cannot take because it is
 * unavailable stays in memory, merged with newer counts, and is written by a later flush, so an outage loses
 * nothing; memory is bounded by `maxPending` rows, past which new counts are dropped and the drop is logged.
 * A crash loses at most what was pending, never a key's state.
 */
export class BufferedUsageRecorder implements UsageRecorder {
  private lastUsed = new Map<string, number>();
  private counts = new Map<string, UsageIncrement>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private failing = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: BackgroundLog,
    private readonly maxPending: number,
  ) {}

  get pendingRows(): number {
    return this.counts.size;
  }

  record(keyId: string, orgId: string, code: string, now: number, used: boolean): void {
    if (used) {
      const previous = this.lastUsed.get(keyId);
      if (previous === undefined ? this.lastUsed.size < this.maxPending : previous < now) this.lastUsed.set(keyId, now);
    }
    const bucket = now - (now % HOUR);
    const id = `${keyId}|${bucket}|${code}`;
    const entry = this.counts.get(id);
    if (entry) entry.count++;
    else if (this.counts.size < this.maxPending) this.counts.set(id, { keyId, orgId, bucket, code, count: 1 });
    else this.dropped++;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.counts.size > 0) this.log.warn({ rows: this.counts.size }, 'usage counts not written at shutdown: storage unavailable');
  }

  /** Writes what has gathered, and what earlier flushes could not write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped, max: this.maxPending }, 'usage counts dropped: too many pending while storage is unavailable (LATCHKEY_USAGE_BUFFER_MAX)');
      this.dropped = 0;
    }
    if (this.lastUsed.size === 0 && this.counts.size === 0) return;
    const lastUsed = this.lastUsed;
    const counts = [...this.counts.values()];
    this.lastUsed = new Map();
    this.counts = new Map();
    this.flushing = this.write(lastUsed, counts);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(lastUsed: Map<string, number>, counts: UsageIncrement[]): Promise<void> {
    const times = [...lastUsed].map(([keyId, at]) => ({ keyId, at }));
    let fault: unknown;
    try {
      await this.writeBoth(times, counts);
    } catch (error) {
      if (isStorageUnavailable(error)) {
        // Last-used times only ever move forward in storage, and the counts were written whole or not at all,
        // so writing both again later is harmless.
        this.keepLastUsed(lastUsed);
        this.keepCounts(counts);
        fault = error;
      } else this.log.error({ err: error, rows: counts.length, keys: times.length }, 'usage counts and last-used times dropped: they could not be written');
    }
    if (fault !== undefined && !this.failing) {
      this.log.warn({ err: fault, rows: this.counts.size }, 'usage counts kept in memory until storage answers again');
    } else if (fault === undefined && this.failing) {
      this.log.warn({ rows: counts.length }, 'usage counts kept during the storage outage are written');
    }
    this.failing = fault !== undefined;
  }

  /**
   * One transaction per flush: all or nothing, so a batch retried after a fault is never counted twice, and on
   * SQLite one commit instead of one per statement.
   */
  private async writeBoth(times: readonly LastUse[], counts: readonly UsageIncrement[]): Promise<void> {
    const work = async (tx: Repositories) => {
      if (times.length > 0) await tx.usage.recordLastUsed(times);
      if (counts.length > 0) await tx.usage.add(counts);
    };
    try {
      await this.storage.transaction(work);
    } catch (error) {
      if (isStorageUnavailable(error)) throw error;
      // A key deleted while the batch was being written fails it whole; written again, the batch leaves it out.
      await this.storage.transaction(work);
    }
  }

  private keepLastUsed(failed: Map<string, number>): void {
    for (const [keyId, at] of failed) {
      const newer = this.lastUsed.get(keyId);
      if (newer === undefined ? this.lastUsed.size < this.maxPending : newer < at) this.lastUsed.set(keyId, at);
    }
  }

  private keepCounts(failed: readonly UsageIncrement[]): void {
    for (const row of failed) {
      const id = `${row.keyId}|${row.bucket}|${row.code}`;
      const newer = this.counts.get(id);
      if (newer) newer.count += row.count;
      else if (this.counts.size < this.maxPending) this.counts.set(id, row);
      else this.dropped += row.count;
    }
  }
}
