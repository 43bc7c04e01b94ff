import { type PostgresPool, type PostgresPoolClient, type RawBuilder, sql } from 'kysely';
import pg from 'pg';
import { DEFAULT_STORAGE_TIMEOUTS, type StorageTimeouts } from '../../storage-timeouts.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import { postgresForeignKeys } from './postgres-foreign-keys.js';
import { postgresRowSet } from './postgres-row-set.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-postgres-dialect.js';

// Epoch-millisecond timestamps and counts are bigint columns; they stay far below 2^53, so numbers are exact.
pg.types.setTypeParser(20, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  /** Schema to use instead of public; tests give each run its own. */
  schema?: string;
  poolSize?: number;
  timeouts?: Partial<StorageTimeouts>;
}

/** Node's socket errors that mean the server is not there or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P05 idle session timeout, 57014 statement timeout. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '57014']);
/** What pg and pg-pool say when a connection dies, never opens, or a server stops answering (no code on these). */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|connection timeout|Connection ended/i;

export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // Connecting to "localhost" tries each address and reports an AggregateError of the failures.
  if (error instanceof AggregateError && error.errors.some(isPostgresUnavailable)) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code)) return true;
    // Class 08: connection exception; class 53: insufficient resources (too many connections, out of memory, disk full).
    if (/^(08|53)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/**
 * Hands Kysely pool clients that remember a connection-level failure. pg's client-side query timeout gives up
 * on a statement but leaves it queued on the connection; such a client, or one whose server went away, is
 * answered at once from then on (so the rollback after a failed statement does not wait a second timeout) and
 * is destroyed on release instead of going back to the pool. A connection lost while checked out does the same.
 */
function faultAwarePool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        let fault: Error | undefined;
        wrapper = {
          query: ((text: string, parameters: unknown[]) => {
            if (fault) return Promise.reject(fault);
            return client.query(text, parameters).catch((error: Error) => {
              if (isPostgresUnavailable(error)) fault = error;
              throw error;
            });
          }) as PostgresPoolClient['query'],
          release: () => client.release(fault ?? undefined),
        };
        // pg-pool listens for errors only on idle clients; a server shutting down while a transaction holds this
        // one between statements would otherwise be an unhandled 'error' event, which ends the process.
        client.on('error', (error: Error) => {
          fault ??= error;
        });
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

export function createPostgresAdapter(options: PostgresOptions): DialectAdapter {
  const timeouts = { ...DEFAULT_STORAGE_TIMEOUTS, ...options.timeouts };
  const common = {
    connectionString: options.connectionString,
    // Bounds both opening a connection and waiting in pg-pool's queue for one.
    connectionTimeoutMillis: timeouts.connectMs,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({
    ...common,
    max: options.poolSize ?? 10,
    // The server cancels a slow statement itself (57014)...
    statement_timeout: timeouts.statementMs,
    // ...but a frozen server keeps the TCP connection open and answers nothing, so the client gives up too,
    // a little later, so that a merely slow statement still gets the server's own, cleaner cancellation.
    query_timeout: timeouts.statementMs + 500,
    // A client never leaves a transaction open on purpose; one left open by a lost client must not hold locks.
    idle_in_transaction_session_timeout: Math.max(timeouts.statementMs * 2, 10_000),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const schema = options.schema ?? 'public';
  return {
    name: 'postgres',
    dialect: new SchemaScopedPostgresDialect({ pool: faultAwarePool(pool) }, schema),
    pingSql: 'select 1',
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    migrationTableSchema: schema,
    createMigrationDialect() {
      const migrationPool = new pg.Pool({ ...common, max: 1 });
      migrationPool.on('error', () => {});
      return new SchemaScopedPostgresDialect({ pool: faultAwarePool(migrationPool) }, schema);
    },
    // Name search is a range scan, which matches prefixes only under byte order; the database default may be a
    // linguistic collation (en_US.UTF-8), so the searched column uses "C".
    migrationContext: { bytewiseCollation: '"C"', ...postgresForeignKeys },
    // Autovacuum keeps PostgreSQL's statistics.
    maintenanceSql: null,
    // Few statements per flush (the server works on them in its own process, off our event loop), each short enough
    // to stay far inside the statement timeout on a loaded host: a flush that timed out would be retried whole.
    features: {
      rowLocks: true,
      rowSet: postgresRowSet,
      rowSetChunk: 20_000,
      notifyChannel: notifyChannelFor(schema),
      usageLock: usageLockFor(schema),
    },
    isUniqueViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === '23505';
    },
    isUnavailable: isPostgresUnavailable,
    isForeignKeyViolation(error: unknown): boolean {
      return (error as { code?: unknown } | null)?.code === '23503';
    },
  };
}

/** One advisory lock per schema (hashtext of its name), so schemas sharing a database never wait for each other. */
function usageLockFor(schema: string): (mode: 'shared' | 'exclusive') => RawBuilder<unknown> {
  const name = `latchkey_usage_${schema}`;
  return (mode) => (mode === 'shared' ? sql`select pg_advisory_xact_lock_shared(hashtext(${name}))` : sql`select pg_advisory_xact_lock(hashtext(${name}))`);
}

/** A channel is an identifier: at most 63 bytes, folded to lower case; the schema keeps schemas apart. */
export function notifyChannelFor(schema: string): string {
  return `latchkey_invalidations_${schema.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}
