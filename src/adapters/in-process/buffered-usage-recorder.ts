import { isStorageUnavailable } from '../../domain/storage-unavailable.js';
import type { BackgroundLog } from '../../ports/background-log.js';
import type { UsageRecorder } from '../../ports/usage-recorder.js';
import type { Repositories } from '../../storage/repositories.js';
import type { LastUse, UsageIncrement } from '../../storage/repositories/usage-repository.js';
import type { Storage } from '../../storage/storage.js';

const HOUR = 3_600_000;

/**
 * What one key gathered since the last flush. The current hour's counts sit in `counts`; an hour that has ended
 * moves to `earlier`, which stays empty except across an hour boundary, so recording is a lookup or two and no
 * string is built per verification.
 */
interface PendingKey {
  keyId: string;
  orgId: string;
  /** The latest use; 0 when nothing since the last flush used the key. */
  lastUsed: number;
  bucket: number;
  counts: Map<string, number>;
  earlier: Array<{ bucket: number; counts: Map<string, number> }> | null;
}

/**
 * Keeps verification bookkeeping off the hot path: last-used times and per-hour outcome counts gather in memory
 * and reach storage in batches, every flush interval and on shutdown. What storage cannot take because it is
 * unavailable stays in memory, merged with newer counts, and is written by a later flush, so an outage loses
 * nothing; memory is bounded by `maxPending` rows (one per key, hour and outcome), past which new counts are
 * dropped and the drop is logged. A crash loses at most what was pending, never a key's state.
 */
export class BufferedUsageRecorder implements UsageRecorder {
  private pending = new Map<string, PendingKey>();
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private failing = false;
  lastFlushMs: number | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly log: BackgroundLog,
    private readonly maxPending: number,
  ) {}

  get pendingRows(): number {
    return this.rows;
  }

  record(keyId: string, orgId: string, code: string, now: number, used: boolean): void {
    this.add(keyId, orgId, now - (now % HOUR), code, 1, used ? now : 0);
  }

  /** Adds `count` to one row and moves the key's last use forward; the one place the bound is applied. */
  private add(keyId: string, orgId: string, bucket: number, code: string, count: number, usedAt: number): void {
    let entry = this.pending.get(keyId);
    if (entry === undefined) {
      if (this.rows >= this.maxPending) {
        this.dropped += count;
        return;
      }
      entry = { keyId, orgId, lastUsed: 0, bucket, counts: new Map(), earlier: null };
      this.pending.set(keyId, entry);
    }
    if (usedAt > entry.lastUsed) entry.lastUsed = usedAt;
    const counts = bucket === entry.bucket ? entry.counts : countsOf(entry, bucket);
    const previous = counts.get(code);
    if (previous !== undefined) counts.set(code, previous + count);
    else if (this.rows < this.maxPending) {
      counts.set(code, count);
      this.rows++;
    } else this.dropped += count;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.rows > 0) this.log.warn({ rows: this.rows }, 'usage counts not written at shutdown: storage unavailable');
  }

  /** Writes what has gathered, and what earlier flushes could not write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped, max: this.maxPending }, 'usage counts dropped: too many pending while storage is unavailable (LATCHKEY_USAGE_BUFFER_MAX)');
      this.dropped = 0;
    }
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.rows = 0;
    const started = performance.now();
    this.flushing = this.write(batch);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
      this.lastFlushMs = performance.now() - started;
    }
  }

  private async write(batch: readonly PendingKey[]): Promise<void> {
    const times: LastUse[] = [];
    const counts: UsageIncrement[] = [];
    for (const entry of batch) {
      if (entry.lastUsed > 0) times.push({ keyId: entry.keyId, at: entry.lastUsed });
      for (const { bucket, counts: byCode } of hoursOf(entry)) {
        for (const [code, count] of byCode) counts.push({ keyId: entry.keyId, orgId: entry.orgId, bucket, code, count });
      }
    }
    let fault: unknown;
    try {
      await this.writeBoth(times, counts);
    } catch (error) {
      if (isStorageUnavailable(error)) {
        // Last-used times only ever move forward in storage, and the counts were written whole or not at all,
        // so writing both again later is harmless.
        this.keep(batch);
        fault = error;
      } else this.log.error({ err: error, rows: counts.length, keys: times.length }, 'usage counts and last-used times dropped: they could not be written');
    }
    if (fault !== undefined && !this.failing) {
      this.log.warn({ err: fault, rows: this.rows }, 'usage counts kept in memory until storage answers again');
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

  /** Puts a batch that could not be written back beside what gathered meanwhile. */
  private keep(batch: readonly PendingKey[]): void {
    for (const entry of batch) {
      let first = true;
      for (const { bucket, counts } of hoursOf(entry)) {
        for (const [code, count] of counts) {
          this.add(entry.keyId, entry.orgId, bucket, code, count, first ? entry.lastUsed : 0);
          first = false;
        }
      }
    }
  }
}

function countsOf(entry: PendingKey, bucket: number): Map<string, number> {
  entry.earlier ??= [];
  const found = entry.earlier.find((hour) => hour.bucket === bucket);
  if (found) return found.counts;
  if (bucket > entry.bucket) {
    // A new hour: the one that ended joins the earlier ones.
    entry.earlier.push({ bucket: entry.bucket, counts: entry.counts });
    entry.bucket = bucket;
    entry.counts = new Map();
    return entry.counts;
  }
  const older = { bucket, counts: new Map<string, number>() };
  entry.earlier.push(older);
  return older.counts;
}

function hoursOf(entry: PendingKey): Array<{ bucket: number; counts: Map<string, number> }> {
  return entry.earlier ? [...entry.earlier, { bucket: entry.bucket, counts: entry.counts }] : [{ bucket: entry.bucket, counts: entry.counts }];
}
