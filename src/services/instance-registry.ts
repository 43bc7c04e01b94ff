import { hostname } from 'node:os';
import { randomBase62 } from '../domain/base62.js';
import type { InstanceHeartbeat } from '../domain/instance-heartbeat.js';
import type { ServiceContext } from './service-context.js';

export function newInstanceId(): string {
  return `ins_${randomBase62(20)}`;
}

/** A heartbeat older than this many intervals belongs to an instance that stopped without saying so. */
const STALE_AFTER_BEATS = 3;

/** Start-up refused: another instance is running on the same SQLite database. The message says why and what to do. */
export class InstanceConflictError extends Error {
  constructor(
    readonly others: InstanceHeartbeat[],
    now: number,
    staleAfterMs: number,
  ) {
    const list = others.map((o) => `${o.instanceId} on ${o.host} (pid ${o.pid}), last seen ${Math.round((now - o.lastSeenAt) / 1000)} s ago`).join('; ');
    super(
      `Refusing to start: another Latchkey instance is running on this database: ${list}. ` +
        'On SQLite, Latchkey keeps its key cache and rate limits in each process, so a second instance would keep accepting ' +
        'keys revoked, disabled or narrowed on the first until its cache entry aged out, and each instance would allow the ' +
        'full rate limit. To run several instances, use PostgreSQL (DATABASE_URL=postgres://…; see docs/scaling.md). Stop the ' +
        'other instance first (a clean stop removes its heartbeat at once); if it crashed, its heartbeat goes stale ' +
        `${Math.round(staleAfterMs / 1000)} s after its last beat. To run several on SQLite anyway, accepting per-instance ` +
        'caches and limits, set LATCHKEY_ALLOW_MULTIPLE_INSTANCES=1.',
    );
    this.name = 'InstanceConflictError';
  }
}

export interface InstanceClaim {
  instanceId: string;
  /** Other live instances: on PostgreSQL, or on SQLite when LATCHKEY_ALLOW_MULTIPLE_INSTANCES let this one start beside them. */
  others: InstanceHeartbeat[];
}

/**
 * One row per running server in `instance_heartbeats`, refreshed by a timer every LATCHKEY_INSTANCE_HEARTBEAT_MS
 * (never on a request path). On PostgreSQL the rows are the set of live instances a change waits for (the
 * invalidation log's acknowledgements), and any number may run. On SQLite, one process: at start an instance
 * writes its row first and then looks, and if an older live row exists it removes its own and refuses. Writing
 * before looking means two instances starting at the same moment both see each other, and the later one (by start
 * time, then id) is the one that refuses.
 */
export class InstanceRegistry {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private claimed = false;

  constructor(
    private readonly ctx: ServiceContext,
    readonly instanceId: string = newInstanceId(),
  ) {}

  private get staleAfterMs(): number {
    return STALE_AFTER_BEATS * this.ctx.config.instanceHeartbeatMs;
  }

  async claim(): Promise<InstanceClaim> {
    const now = this.ctx.now();
    this.startedAt = now;
    const others = await this.ctx.storage.run(async ({ instances }) => {
      await instances.removeHeartbeatsOlderThan(now - this.staleAfterMs);
      await instances.beat(this.row(now));
      return (await instances.heartbeats()).filter((r) => r.instanceId !== this.instanceId && r.lastSeenAt >= now - this.staleAfterMs);
    });
    const older = others.filter((r) => r.startedAt < now || (r.startedAt === now && r.instanceId < this.instanceId));
    // PostgreSQL instances share invalidations through the log (PostgresInvalidationBus), so they may run side by side.
    if (older.length > 0 && this.ctx.storage.dialectName === 'sqlite' && !this.ctx.config.allowMultipleInstances) {
      await this.ctx.storage.run(({ instances }) => instances.removeHeartbeat(this.instanceId));
      throw new InstanceConflictError(older, now, this.staleAfterMs);
    }
    this.claimed = true;
    return { instanceId: this.instanceId, others };
  }

  startBeating(onError: (error: unknown) => void): void {
    if (!this.claimed || this.timer) return;
    this.timer = setInterval(() => void this.ctx.storage.run((repos) => repos.instances.beat(this.row(this.ctx.now()))).catch(onError), this.ctx.config.instanceHeartbeatMs);
    this.timer.unref();
  }

  /** A clean stop removes the row, so a restart right after is not refused. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.claimed) return;
    this.claimed = false;
    await this.ctx.storage.run((repos) => repos.instances.removeHeartbeat(this.instanceId));
  }

  private row(now: number): InstanceHeartbeat {
    return { instanceId: this.instanceId, host: hostname(), pid: process.pid, startedAt: this.startedAt, lastSeenAt: now };
  }
}
