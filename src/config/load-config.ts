import { resolve } from 'node:path';
import type { RateLimitConfig } from '../domain/api-key.js';
import { DEFAULT_PASSWORD_HASH_COST } from '../domain/password-hash.js';
import type { StorageTimeouts } from '../storage/storage-timeouts.js';
import { ConfigError } from './config-error.js';
import { CONFIG_VARIABLES, readConfigVariables } from './config-variables.js';
import { kritenAuthHeader, type TokenFormatConfig } from './token-format-config.js';

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
  /** GET /metrics: on the main port behind `token`, and/or alone on `host`:`port`; off when both are unset. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
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
  /** SQLite only: start even while another instance's heartbeat is fresh (caches and limits are then per instance). */
  allowMultipleInstances: boolean;
  /** L: an instance trusts its key cache only within L ms of the start of a complete read of the invalidation log. */
  invalidationLeaseMs: number;
  /** W (> L): the longest a change's response waits for every live instance to acknowledge its invalidation. */
  invalidationWaitMs: number;
  /** With PostgreSQL, invalidations also travel through a Redis Stream (docs/scaling.md). */
  redisUrl: string | undefined;
  redisPrefix: string;
  bulkMax: number;
  metadataMaxBytes: number;
  dashboardDir: string | undefined;
  /** OAuth 2.0 (docs/oauth.md): lifetimes in milliseconds and the issuer named in the metadata (unset: from the request). */
  oauth: {
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    refreshIdleTtlMs: number;
    issuer: string | undefined;
    /** `aud` of JWT access tokens; unset: the issuer. */
    jwtAudience: string | undefined;
    /** Age at which the JWT signing key is replaced. */
    signingKeyRotateMs: number;
  };
}

/** How much longer than the lease the bounded wait must be (timer granularity between two processes). */
export const INVALIDATION_MARGIN_MS = 10;

/**
 * Reads the environment through the one table of variables (config-variables.ts). A bad value throws a ConfigError
 * whose message is the single line printed at start; nothing falls back to a default behind the operator's back.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const v = readConfigVariables(env);
  // Cheaper hashes make tests fast; anywhere else a cost below OWASP's minimum is refused.
  if (v.LATCHKEY_PASSWORD_HASH_COST < DEFAULT_PASSWORD_HASH_COST && v.NODE_ENV !== 'test') {
    throw new ConfigError(
      'LATCHKEY_PASSWORD_HASH_COST',
      JSON.stringify(String(v.LATCHKEY_PASSWORD_HASH_COST)),
      `${CONFIG_VARIABLES.LATCHKEY_PASSWORD_HASH_COST.accepts}, below ${DEFAULT_PASSWORD_HASH_COST} only with NODE_ENV=test`,
      `below ${DEFAULT_PASSWORD_HASH_COST} is for tests only (NODE_ENV=test)`,
    );
  }
  // The guarantee needs W > L: past W, an instance that has not acknowledged has no read that started after the commit.
  if (v.LATCHKEY_INVALIDATION_WAIT_MS < v.LATCHKEY_INVALIDATION_LEASE_MS + INVALIDATION_MARGIN_MS) {
    throw new ConfigError(
      'LATCHKEY_INVALIDATION_WAIT_MS',
      JSON.stringify(String(v.LATCHKEY_INVALIDATION_WAIT_MS)),
      `${CONFIG_VARIABLES.LATCHKEY_INVALIDATION_WAIT_MS.accepts}, and at least LATCHKEY_INVALIDATION_LEASE_MS + ${INVALIDATION_MARGIN_MS}`,
      `must exceed LATCHKEY_INVALIDATION_LEASE_MS (${v.LATCHKEY_INVALIDATION_LEASE_MS}) by at least ${INVALIDATION_MARGIN_MS} ms`,
    );
  }
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir: resolve(v.LATCHKEY_DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    keyPrefix: v.LATCHKEY_KEY_PREFIX,
    tokenFormat: { prefix: v.LATCHKEY_KEY_PREFIX, typeSegment: v.LATCHKEY_TOKEN_TYPE_SEGMENT },
    kritenApi: v.LATCHKEY_KRITEN_API,
    extraAuthHeader: v.LATCHKEY_AUTH_HEADER ?? kritenAuthHeader(v.LATCHKEY_KRITEN_API),
    defaultKeyRateLimit: v.LATCHKEY_DEFAULT_KEY_RATE_LIMIT,
    apiRateLimit: v.LATCHKEY_API_RATE_LIMIT,
    // rate(false) never yields null: the failure throttle cannot be switched off.
    authFailureLimit: v.LATCHKEY_AUTH_FAILURE_LIMIT!,
    logLevel: v.LOG_LEVEL,
    pepper: v.LATCHKEY_PEPPER,
    trustProxy: v.LATCHKEY_TRUST_PROXY,
    apiPermissions: v.LATCHKEY_PERMISSIONS_FILE ?? {},
    sessionTtlMs: v.LATCHKEY_SESSION_TTL_HOURS * 3_600_000,
    invitationTtlMs: v.LATCHKEY_INVITATION_TTL_HOURS * 3_600_000,
    usageFlushMs: v.LATCHKEY_USAGE_FLUSH_MS,
    usageBufferMax: v.LATCHKEY_USAGE_BUFFER_MAX,
    storageTimeouts: {
      connectMs: v.LATCHKEY_DB_CONNECT_TIMEOUT_MS,
      statementMs: v.LATCHKEY_DB_STATEMENT_TIMEOUT_MS,
      acquireMs: v.LATCHKEY_DB_ACQUIRE_TIMEOUT_MS,
      busyMs: v.LATCHKEY_DB_BUSY_TIMEOUT_MS,
    },
    readyTimeoutMs: v.LATCHKEY_READY_TIMEOUT_MS,
    metrics: { token: v.LATCHKEY_METRICS_TOKEN, port: v.LATCHKEY_METRICS_PORT, host: v.LATCHKEY_METRICS_HOST },
    outageGraceMs: v.LATCHKEY_OUTAGE_GRACE_MS,
    keyCacheSize: v.LATCHKEY_KEY_CACHE_SIZE,
    keyCacheTtlMs: v.LATCHKEY_KEY_CACHE_TTL_MS,
    cookieSecure: v.LATCHKEY_COOKIE_SECURE,
    passwordHashCost: v.LATCHKEY_PASSWORD_HASH_COST,
    instanceHeartbeatMs: v.LATCHKEY_INSTANCE_HEARTBEAT_MS,
    allowMultipleInstances: v.LATCHKEY_ALLOW_MULTIPLE_INSTANCES,
    invalidationLeaseMs: v.LATCHKEY_INVALIDATION_LEASE_MS,
    invalidationWaitMs: v.LATCHKEY_INVALIDATION_WAIT_MS,
    redisUrl: v.REDIS_URL,
    redisPrefix: v.LATCHKEY_REDIS_PREFIX,
    bulkMax: v.LATCHKEY_BULK_MAX,
    metadataMaxBytes: v.LATCHKEY_METADATA_MAX_BYTES,
    dashboardDir: v.LATCHKEY_DASHBOARD_DIR,
    oauth: {
      accessTokenTtlMs: v.LATCHKEY_OAUTH_ACCESS_TOKEN_TTL_S * 1000,
      refreshTokenTtlMs: v.LATCHKEY_OAUTH_REFRESH_TOKEN_TTL_S * 1000,
      refreshIdleTtlMs: v.LATCHKEY_OAUTH_REFRESH_IDLE_TTL_S * 1000,
      issuer: v.LATCHKEY_OAUTH_ISSUER,
      jwtAudience: v.LATCHKEY_OAUTH_JWT_AUDIENCE,
      signingKeyRotateMs: v.LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS * 86_400_000,
    },
  };
}
