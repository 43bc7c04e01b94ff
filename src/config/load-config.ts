import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RateLimitConfig } from '../domain/api-key.js';
import { DEFAULT_PASSWORD_HASH_COST } from '../domain/password-hash.js';
import { PERMISSION_PATTERN } from '../domain/permission-pattern.js';
import { DEFAULT_STORAGE_TIMEOUTS, type StorageTimeouts } from '../storage/storage-timeouts.js';
import { parseRate } from './parse-rate.js';
import { kritenAuthHeader, type TokenFormatConfig, tokenFormatConfig } from './token-format-config.js';

/** Every setting Latchkey reads; docs/configuration.md describes each one. */
export interface Config extends TokenFormatConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** One more header name accepted for credentials besides Authorization and X-API-Key (seed 004 uses `Token`). */
  extraAuthHeader: string | undefined;
  /** Applied during verification to keys that set no rate limit of their own. */
  defaultKeyRateLimit: RateLimitConfig | null;
  /** Per credential on Latchkey's management API. */
  apiRateLimit: RateLimitConfig | null;
  /** Failed authentications allowed per client address before 429. */
  authFailureLimit: RateLimitConfig;
  logLevel: string;
  pepper: string | undefined;
  /** Proxy addresses whose X-Forwarded-For is believed; false trusts none. */
  trustProxy: boolean | string[];
  /** Permissions of the protected API declared for every organization, from a JSON file. */
  apiPermissions: Record<string, string>;
  sessionTtlMs: number;
  /** How long an invitation link stays valid. */
  invitationTtlMs: number;
  usageFlushMs: number;
  /** Most usage rows (and last-used times) held in memory while storage cannot take them. */
  usageBufferMax: number;
  /** Bounds on every wait for the database. */
  storageTimeouts: StorageTimeouts;
  /** Longest /readyz waits for storage before answering 503. */
  readyTimeoutMs: number;
  /** How long, once storage starts failing, cached verification decisions are still served; then 503. */
  outageGraceMs: number;
  keyCacheSize: number;
  keyCacheTtlMs: number;
  /** Forces the session cookie's Secure flag; it is set anyway on requests that arrived over TLS. */
  cookieSecure: boolean;
  /** log2 of scrypt's N for new password hashes; 17 is OWASP's minimum, lower only under NODE_ENV=test. */
  passwordHashCost: number;
  /** How often this instance writes its heartbeat row; another instance's row younger than 3 of these refuses start. */
  instanceHeartbeatMs: number;
  /** Start even while another instance's heartbeat is fresh (caches and limits are then per instance). */
  allowMultipleInstances: boolean;
  bulkMax: number;
  metadataMaxBytes: number;
  dashboardDir: string | undefined;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Cheaper hashes make tests fast; anywhere else a cost below OWASP's minimum is refused. */
function passwordHashCost(env: NodeJS.ProcessEnv): number {
  const cost = int(env, 'LATCHKEY_PASSWORD_HASH_COST', DEFAULT_PASSWORD_HASH_COST, 10, 20);
  if (cost < DEFAULT_PASSWORD_HASH_COST && env.NODE_ENV !== 'test') throw new Error(`LATCHKEY_PASSWORD_HASH_COST below ${DEFAULT_PASSWORD_HASH_COST} is for tests only (NODE_ENV=test), got ${cost}`);
  return cost;
}

function loadPermissionsFile(path: string | undefined): Record<string, string> {
  if (!path) return {};
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const entries = (parsed as { permissions?: unknown })?.permissions;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new Error(`LATCHKEY_PERMISSIONS_FILE must hold {"permissions": {"name": "description", ...}}`);
  }
  const result: Record<string, string> = {};
  for (const [name, description] of Object.entries(entries)) {
    if (!PERMISSION_PATTERN.test(name) || name.includes('*') || name.startsWith('latchkey:')) {
      throw new Error(`LATCHKEY_PERMISSIONS_FILE: "${name}" is not a valid permission name`);
    }
    result[name] = String(description);
  }
  return result;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const extra = (env.LATCHKEY_AUTH_HEADER ?? kritenAuthHeader(env))?.trim();
  if (extra && !/^[A-Za-z0-9-]{1,64}$/.test(extra)) throw new Error('LATCHKEY_AUTH_HEADER must be a header name');
  const trust = env.LATCHKEY_TRUST_PROXY?.trim();
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.LATCHKEY_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    ...tokenFormatConfig(env),
    extraAuthHeader: extra ? extra.toLowerCase() : undefined,
    defaultKeyRateLimit: parseRate(env.LATCHKEY_DEFAULT_KEY_RATE_LIMIT, 'LATCHKEY_DEFAULT_KEY_RATE_LIMIT'),
    apiRateLimit: parseRate(env.LATCHKEY_API_RATE_LIMIT ?? '1200/60s', 'LATCHKEY_API_RATE_LIMIT'),
    authFailureLimit: parseRate(env.LATCHKEY_AUTH_FAILURE_LIMIT || '30/60s', 'LATCHKEY_AUTH_FAILURE_LIMIT')!,
    logLevel: env.LOG_LEVEL || 'info',
    pepper: env.LATCHKEY_PEPPER || undefined,
    trustProxy: !trust || trust === 'false' ? false : trust === 'true' ? true : trust.split(',').map((s) => s.trim()),
    apiPermissions: loadPermissionsFile(env.LATCHKEY_PERMISSIONS_FILE),
    sessionTtlMs: int(env, 'LATCHKEY_SESSION_TTL_HOURS', 12, 1, 24 * 30) * 3_600_000,
    invitationTtlMs: int(env, 'LATCHKEY_INVITATION_TTL_HOURS', 168, 1, 24 * 30) * 3_600_000,
    usageFlushMs: int(env, 'LATCHKEY_USAGE_FLUSH_MS', 2000, 50, 60_000),
    usageBufferMax: int(env, 'LATCHKEY_USAGE_BUFFER_MAX', 100_000, 10, 10_000_000),
    storageTimeouts: {
      connectMs: int(env, 'LATCHKEY_DB_CONNECT_TIMEOUT_MS', DEFAULT_STORAGE_TIMEOUTS.connectMs, 100, 600_000),
      statementMs: int(env, 'LATCHKEY_DB_STATEMENT_TIMEOUT_MS', DEFAULT_STORAGE_TIMEOUTS.statementMs, 100, 3_600_000),
      acquireMs: int(env, 'LATCHKEY_DB_ACQUIRE_TIMEOUT_MS', DEFAULT_STORAGE_TIMEOUTS.acquireMs, 100, 600_000),
      busyMs: int(env, 'LATCHKEY_DB_BUSY_TIMEOUT_MS', DEFAULT_STORAGE_TIMEOUTS.busyMs, 0, 600_000),
    },
    readyTimeoutMs: int(env, 'LATCHKEY_READY_TIMEOUT_MS', 2000, 50, 60_000),
    outageGraceMs: int(env, 'LATCHKEY_OUTAGE_GRACE_MS', 30_000, 0, 86_400_000),
    keyCacheSize: int(env, 'LATCHKEY_KEY_CACHE_SIZE', 100_000, 0, 10_000_000),
    keyCacheTtlMs: int(env, 'LATCHKEY_KEY_CACHE_TTL_MS', 300_000, 0, 86_400_000),
    cookieSecure: env.LATCHKEY_COOKIE_SECURE === 'true',
    passwordHashCost: passwordHashCost(env),
    instanceHeartbeatMs: int(env, 'LATCHKEY_INSTANCE_HEARTBEAT_MS', 5000, 100, 60_000),
    allowMultipleInstances: env.LATCHKEY_ALLOW_MULTIPLE_INSTANCES === '1' || env.LATCHKEY_ALLOW_MULTIPLE_INSTANCES === 'true',
    bulkMax: int(env, 'LATCHKEY_BULK_MAX', 1000, 1000, 100_000),
    metadataMaxBytes: int(env, 'LATCHKEY_METADATA_MAX_BYTES', 4096, 256, 1_048_576),
    dashboardDir: env.LATCHKEY_DASHBOARD_DIR || undefined,
  };
}
