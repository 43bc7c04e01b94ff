import { Redis } from 'ioredis';
import type { InvalidationRecord, RedisFed } from '../../ports/invalidation-bus.js';
import type { Storage } from '../../storage/storage.js';
import { PostgresInvalidationBus, type PostgresInvalidationBusOptions } from '../postgres/postgres-invalidation-bus.js';

/** Entries kept in the stream (approximately); a reader further behind fills the gap from the log. */
const STREAM_MAX_LEN = 10_000;
/** A publisher gives up on Redis after this long and relies on PostgreSQL (NOTIFY and the poll). */
const XADD_TIMEOUT_MS = 100;
const RETRY_MS = 200;

export interface RedisStreamsInvalidationBusOptions extends PostgresInvalidationBusOptions {
  redisUrl: string;
  /** Prefix of every Redis key, so deployments (and tests) sharing a Redis do not see each other. */
  keyPrefix: string;
}

/**
 * Invalidations carried by a Redis Stream (XADD after commit, XREAD BLOCK from the last entry id), with the
 * PostgreSQL log still the source of truth. Redis delivers a record in one hop with its payload; the log decides:
 *
 * - a delivered record whose id follows the last applied one is applied at once; one further ahead (another
 *   publisher's XADD overtook, or entries were lost or trimmed) makes the instance read the log, which fills the gap;
 * - trust (the lease) is still granted only by reads of the log, repeated every L/4 as on PostgreSQL alone:
 *   a publisher whose XADD failed, or a Redis that lost entries, can delay an instance but never leave it
 *   trusted and stale;
 * - while Redis cannot be read, NOTIFY wakes readers again, so invalidation falls back to PostgreSQL whole.
 */
export class RedisStreamsInvalidationBus extends PostgresInvalidationBus implements RedisFed {
  private readonly writer: Redis;
  private readonly reader: Redis;
  private readonly stream: string;
  private lastEntryId = '$';
  private loop: Promise<void> | null = null;
  /**
   * Resolves at close. A read in flight when Redis goes away may stay pending inside ioredis even after disconnect,
   * so the loop races every read against it rather than waiting for the client to give the read up.
   */
  private readonly closing: Promise<null>;
  private signalClosing: () => void = () => {};
  readonly redisStats = { delivered: 0, gapsFilled: 0, xaddFailures: 0, readFailures: 0 };

  constructor(
    storage: Storage,
    private readonly redisOptions: RedisStreamsInvalidationBusOptions,
  ) {
    super(storage, redisOptions);
    this.stream = `${redisOptions.keyPrefix}invalidations`;
    const common = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (times: number) => Math.min(times * 100, 2_000) };
    this.writer = new Redis(redisOptions.redisUrl, common);
    this.reader = new Redis(redisOptions.redisUrl, common);
    // ioredis reconnects by itself; errors are reported through failed commands, which are handled where they happen.
    this.writer.on('error', () => {});
    this.reader.on('error', () => {});
    this.notificationsWakeReaders = false;
    this.closing = new Promise((resolve) => (this.signalClosing = () => resolve(null)));
  }

  /** True while the stream is being read (false: PostgreSQL NOTIFY wakes readers). */
  get redisReading(): boolean {
    return !this.notificationsWakeReaders;
  }

  override async start(): Promise<void> {
    if (this.started || this.closed) return;
    await Promise.all([this.writer.connect().catch(() => {}), this.reader.connect().catch(() => {})]);
    await super.start();
    this.loop = this.readStream();
  }

  override async publish(records: readonly InvalidationRecord[]): Promise<void> {
    if (records.length > 0) {
      const pipeline = this.writer.pipeline();
      for (const r of records) pipeline.xadd(this.stream, 'MAXLEN', '~', String(STREAM_MAX_LEN), '*', 'id', String(r.id), 'at', String(r.createdAt), 'event', JSON.stringify(r.event));
      await withTimeout(pipeline.exec(), XADD_TIMEOUT_MS).then(
        (results) => {
          if (results?.some(([error]) => error)) this.redisStats.xaddFailures++;
        },
        () => {
          // NOTIFY went out with the commit and every reader polls the log: the record still arrives, later.
          this.redisStats.xaddFailures++;
        },
      );
    }
    await super.publish(records);
  }

  override async close(): Promise<void> {
    this.signalClosing();
    await super.close();
    this.reader.disconnect();
    this.writer.disconnect();
    await this.loop?.catch(() => {});
  }

  private async readStream(): Promise<void> {
    const blockMs = Math.max(1, Math.floor(this.redisOptions.leaseMs / 4));
    while (!this.closed) {
      try {
        const read = this.reader.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', this.stream, this.lastEntryId) as Promise<Array<[string, Array<[string, string[]]>]> | null>;
        read.catch(() => {}); // abandoned at close: its eventual rejection is expected
        const reply = await Promise.race([read, this.closing]);
        if (this.closed) return;
        if (this.notificationsWakeReaders) {
          // Back from a Redis outage: the stream replays from the last entry id, and the log covers the rest.
          this.notificationsWakeReaders = false;
          void this.poll();
        }
        if (!reply) continue;
        const records: InvalidationRecord[] = [];
        for (const [, entries] of reply) {
          for (const [entryId, fields] of entries) {
            this.lastEntryId = entryId;
            const field = (name: string) => fields[fields.indexOf(name) + 1];
            // `at` is the commit time (entries from an older version lack it: 0, and the lag is then not observed).
            records.push({ id: Number(field('id')), createdAt: Number(field('at') ?? 0), event: JSON.parse(field('event') ?? '{"type":"all"}') });
          }
        }
        this.deliver(records);
      } catch {
        if (this.closed) return;
        this.redisStats.readFailures++;
        // PostgreSQL takes over waking readers until Redis answers again.
        this.notificationsWakeReaders = true;
        void this.poll();
        await Promise.race([new Promise((resolve) => setTimeout(resolve, RETRY_MS)), this.closing]);
      }
    }
  }

  private deliver(records: InvalidationRecord[]): void {
    records.sort((a, b) => a.id - b.id);
    const contiguous: InvalidationRecord[] = [];
    let gap = false;
    for (const record of records) {
      if (record.id <= this.last + contiguous.length) continue;
      if (record.id !== this.last + 1 + contiguous.length) {
        // Only the log knows what lies in between (a trim included): let it fill the gap.
        this.redisStats.gapsFilled++;
        gap = true;
        break;
      }
      contiguous.push(record);
    }
    if (contiguous.length > 0) {
      this.redisStats.delivered += contiguous.length;
      this.apply(contiguous);
      void this.acknowledge().catch((error: unknown) => this.options.log.warn({ err: error }, 'invalidation acknowledgement failed'));
    }
    if (gap) void this.poll();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
