import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { BackgroundLog } from '../../ports/background-log.js';
import type { Clock } from '../../ports/clock.js';
import type { Invalidation, InvalidationBus, InvalidationRecord } from '../../ports/invalidation-bus.js';
import type { Storage } from '../../storage/storage.js';

/** Records read per query; a reader that got a full batch reads on before it counts as caught up. */
const BATCH = 500;
/** How often a waiting publisher looks at the acknowledgements even without an 'ack' notification. */
const ACK_POLL_MS = 20;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

export interface PostgresInvalidationBusOptions {
  connectionString: string;
  channel: string;
  instanceId: string;
  /** L: the cache is trusted only within L ms of the start of a read that returned (and applied) everything. */
  leaseMs: number;
  /** W (> L): the longest a change's response waits for acknowledgements. */
  waitMs: number;
  /** A heartbeat older than this belongs to an instance nobody waits for. */
  staleAfterMs: number;
  /** How often to re-check whether other instances are live (the outage rule of `trusted`). */
  livenessCheckMs: number;
  /** Records older than this are trimmed from the log. */
  retainMs: number;
  connectMs: number;
  now: Clock;
  log: BackgroundLog;
}

/**
 * Invalidations across instances on PostgreSQL alone. The log table is the source of truth; LISTEN/NOTIFY only
 * wakes readers early. Each instance reads the log after the last id it applied, on every notification and at
 * least every L/4 ms, applies records in id order and acknowledges the last one in `invalidation_acks`.
 *
 * The cache is trusted at time t only when a read that STARTED after t - L returned everything after the last
 * applied id and all of it was applied. So a connection that dies silently, a missed notification or a stalled
 * event loop can only make the instance untrusted (verification reads storage), never stale: a record committed
 * before a read started is in that read's result. pg.Client neither reconnects nor re-LISTENs by itself; the
 * listener here does both, and is not needed for correctness, only for speed.
 */
export class PostgresInvalidationBus implements InvalidationBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];
  protected last = 0;
  private lastAcked = -1;
  /** performance.now() at the start of the latest read that left nothing unapplied. */
  private leaseStart = Number.NEGATIVE_INFINITY;
  private soleInstance = false;
  private lastLivenessCheck = Number.NEGATIVE_INFINITY;
  private lastTrim = 0;
  private reading: Promise<void> | null = null;
  private acking: Promise<void> | null = null;
  private readAgain = false;
  private listener: pg.Client | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly ackWaiters = new Set<() => void>();
  protected started = false;
  protected closed = false;
  /** When another feed (Redis Streams) delivers records, notifications only wake acknowledgement waiters. */
  protected notificationsWakeReaders = true;
  /** Counters for tests, logs and metrics. */
  readonly stats = { applied: 0, trimmedPast: 0, reconnects: 0, failedReads: 0, waitTimeouts: 0, instancesSeen: 1 };
  private appliedObserver: ((lagMs: number) => void) | undefined;

  constructor(
    protected readonly storage: Storage,
    protected readonly options: PostgresInvalidationBusOptions,
  ) {}

  onApplied(observer: (lagMs: number) => void): void {
    this.appliedObserver = observer;
  }

  subscribe(handler: (event: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  trusted(): boolean {
    if (performance.now() - this.leaseStart < this.options.leaseMs) return true;
    // Storage is failing from here: no change can commit through this instance, and when no other instance was live
    // at the last look none can commit through another (a new one cannot start without storage). The cache is then
    // as good as storage's last word, and the resolver's outage grace (LATCHKEY_OUTAGE_GRACE_MS) bounds it.
    return this.started && this.soleInstance && this.storage.health.failingSince !== 0;
  }

  /** The last applied id (tests and the bench read it). */
  get appliedId(): number {
    return this.last;
  }

  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    // The cache is empty at start: what is already logged cannot be in it.
    this.last = await this.storage.run((r) => r.invalidations.latestId());
    await this.connect();
    this.pollTimer = setInterval(() => void this.poll(), Math.max(1, Math.floor(this.options.leaseMs / 4)));
    this.pollTimer.unref();
    await this.poll();
  }

  async publish(records: readonly InvalidationRecord[]): Promise<void> {
    if (records.length === 0) return;
    // This instance first, at once: its own response must never race its own change.
    for (const record of records) this.emit(record.event);
    const id = records.at(-1)!.id;
    const begun = performance.now();
    const deadline = begun + this.options.waitMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const missing = await withTimeout(
        this.storage.run((r) => r.invalidations.unacknowledged(id, this.options.now() - this.options.staleAfterMs, this.options.instanceId)),
        left,
      ).catch(() => null);
      if (missing !== null && missing.length === 0) return;
      // Not everyone has it yet (or the acknowledgements cannot be read): wait for an 'ack' notification or the poll.
      const after = deadline - performance.now();
      if (after <= 0) break;
      await this.untilAck(Math.min(after, ACK_POLL_MS));
    }
    // Past W > L, an instance that has not acknowledged id has no read that started after the commit, so its lease
    // has run out: it reads storage until it has caught up. That is the guarantee; the response may go.
    this.stats.waitTimeouts++;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.leaseStart = Number.NEGATIVE_INFINITY;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const wake of this.ackWaiters) wake();
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => {});
    await this.reading?.catch(() => {});
    await this.acking?.catch(() => {});
    if (this.started) await this.storage.run((r) => r.invalidations.removeAck(this.options.instanceId)).catch(() => {});
  }

  /** Reads until caught up; concurrent calls share one reader, which reads again if asked while it ran. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.readAll();
      } while (this.readAgain && !this.closed);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readAll(): Promise<void> {
    const started = performance.now();
    try {
      for (;;) {
        const records = await this.storage.run((r) => r.invalidations.readAfter(this.last, BATCH));
        this.apply(records);
        if (records.length < BATCH) break;
      }
      this.leaseStart = Math.max(this.leaseStart, started);
      this.reconnectDelay = RECONNECT_MIN_MS;
    } catch (error) {
      this.stats.failedReads++;
      this.leaseStart = Number.NEGATIVE_INFINITY;
      this.options.log.warn({ err: error }, 'invalidation log read failed: verifying from storage until it succeeds');
      return;
    }
    await this.housekeeping().catch((error: unknown) => this.options.log.warn({ err: error }, 'invalidation acknowledgement failed'));
  }

  protected apply(records: readonly InvalidationRecord[]): void {
    for (const record of records) {
      if (record.id <= this.last) continue;
      if (record.id !== this.last + 1) {
        // Ids are dense, so a jump means the log was trimmed past what this instance applied: what it missed is
        // gone, so everything it cached goes.
        this.stats.trimmedPast++;
        this.emit({ type: 'all' });
      }
      this.emit(record.event);
      this.last = record.id;
      this.stats.applied++;
      // Wall clock on both sides: the log stamps records with Date.now() (Storage.transaction), not the service clock.
      if (record.createdAt > 0) this.appliedObserver?.(Math.max(0, Date.now() - record.createdAt));
    }
  }

  /** Acknowledges the last applied id; one writer at a time, so acknowledgements never go backwards. */
  protected acknowledge(): Promise<void> {
    if (this.acking) return this.acking;
    this.acking = (async () => {
      while (this.last !== this.lastAcked && !this.closed) {
        const id = this.last;
        await this.storage.run((r) => r.invalidations.ack(this.options.instanceId, id, this.options.now()));
        this.lastAcked = id;
      }
    })().finally(() => {
      this.acking = null;
    });
    return this.acking;
  }

  protected async housekeeping(): Promise<void> {
    const now = this.options.now();
    await this.acknowledge();
    if (performance.now() - this.lastLivenessCheck >= this.options.livenessCheckMs) {
      this.lastLivenessCheck = performance.now();
      const beats = await this.storage.run((r) => r.instances.heartbeats());
      const live = beats.filter((b) => b.instanceId !== this.options.instanceId && b.lastSeenAt >= now - this.options.staleAfterMs).length;
      this.soleInstance = live === 0;
      this.stats.instancesSeen = live + 1;
      if (now - this.lastTrim >= this.options.retainMs / 4) {
        this.lastTrim = now;
        await this.storage.run((r) => r.invalidations.trim(now - this.options.retainMs));
      }
    }
  }

  private emit(event: Invalidation): void {
    for (const handler of this.handlers) handler(event);
  }

  private untilAck(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.ackWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.ackWaiters.add(done);
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, connectionTimeoutMillis: this.options.connectMs, keepAlive: true, application_name: `latchkey invalidation listener ${this.options.instanceId}` });
    const lost = (error?: unknown) => this.lost(client, error);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.payload === 'ack') for (const wake of [...this.ackWaiters]) wake();
      else if (this.notificationsWakeReaders) void this.poll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
    // Notifications sent before LISTEN took effect were never ours: read what they announced.
    void this.poll();
  }

  private lost(client: pg.Client, error?: unknown): void {
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    // A late 'error' from a dead client must not be unhandled.
    client.removeAllListeners('error');
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.listener !== null && this.listener !== client) return;
    const wasListening = this.listener === client;
    this.listener = null;
    if (this.closed || this.reconnectTimer) return;
    // What arrived while nobody listened is in the log; until a read proves it applied, nothing cached is trusted.
    this.leaseStart = Number.NEGATIVE_INFINITY;
    if (wasListening) this.options.log.warn({ err: error }, 'invalidation listener connection lost: reconnecting, verifying from storage until caught up');
    this.stats.reconnects++;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
    void this.poll();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
