import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { CONFIG_VARIABLES, type ConfigVariableName } from '../../src/config/config-variables.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Cases {
  /** Values that must stop the start. */
  bad: string[];
  /** A value, and what the loaded Config holds for it. */
  good: [string, (config: Config) => unknown, unknown][];
  /** Why a variable has no bad value the loader can see. */
  noBadValue?: string;
}

const int = (pick: (c: Config) => unknown, ok: string, expected: unknown, ...bad: string[]): Cases => ({
  bad: ['abc', '1.5', '1e3', '-1', ' 5', ...bad],
  good: [[ok, pick, expected]],
});

/** Every variable of the loader's table must have a row here, so a new variable cannot arrive untested. */
const CASES: Record<ConfigVariableName, Cases> = {
  PORT: int((c) => c.port, '9000', 9000, '65536'),
  HOST: { bad: ['local host', 'http://example.com', '-x', '10.0.0.1:80'], good: [['0.0.0.0', (c) => c.host, '0.0.0.0'], ['::', (c) => c.host, '::'], ['db.internal', (c) => c.host, 'db.internal']] },
  LATCHKEY_DATA_DIR: { bad: [], good: [['/srv/latchkey', (c) => c.dataDir, '/srv/latchkey']], noBadValue: 'folders are checked at start (check-storage-location.test.ts)' },
  DATABASE_URL: {
    bad: ['mysql://x', 'garbage', 'postgres://', 'postgres:/db', 'SQLITE:/x'],
    good: [['postgres://u:p@db:5432/latchkey', (c) => c.databaseUrl, 'postgres://u:p@db:5432/latchkey'], ['sqlite:/tmp/x.sqlite', (c) => c.databaseUrl, 'sqlite:/tmp/x.sqlite']],
  },
  LATCHKEY_KEY_PREFIX: { bad: ['key', 'PRJ', '1lk', 'a_b', 'abcdefghijklmnopq'], good: [['qtrl', (c) => c.keyPrefix, 'qtrl'], ['KXTK', (c) => c.keyPrefix, 'KXTK']] },
  LATCHKEY_TOKEN_TYPE_SEGMENT: { bad: ['yes', 'ON ', 'none'], good: [['off', (c) => c.tokenFormat.typeSegment, false], ['1', (c) => c.tokenFormat.typeSegment, true]] },
  LATCHKEY_KRITEN_API: { bad: ['enabled', 'y'], good: [['on', (c) => c.kritenApi, true], ['false', (c) => c.kritenApi, false]] },
  LATCHKEY_AUTH_HEADER: { bad: ['Bad Header', 'x:y', 'a'.repeat(65)], good: [['Token', (c) => c.extraAuthHeader, 'token']] },
  LATCHKEY_PEPPER: { bad: [], good: [['s3cret pepper', (c) => c.pepper, 's3cret pepper']], noBadValue: 'any text is a pepper' },
  LATCHKEY_DEFAULT_KEY_RATE_LIMIT: {
    bad: ['100', '100/60', '0/60s', '100/0s', 'fast', '10/1d'],
    good: [['1/1m', (c) => c.defaultKeyRateLimit, { limit: 1, windowMs: 60_000 }], ['off', (c) => c.defaultKeyRateLimit, null]],
  },
  LATCHKEY_API_RATE_LIMIT: { bad: ['1200 per minute', 'none'], good: [['off', (c) => c.apiRateLimit, null], ['5/250ms', (c) => c.apiRateLimit, { limit: 5, windowMs: 250 }]] },
  LATCHKEY_AUTH_FAILURE_LIMIT: { bad: ['off', 'x', '0/1s'], good: [['5/60s', (c) => c.authFailureLimit, { limit: 5, windowMs: 60_000 }]] },
  LATCHKEY_TRUST_PROXY: {
    bad: ['yes', '1', '10.0.0.0/33', 'proxy.local', '1.2.3.4,,5.6.7.8', '::1/129', '1.2.3.4/8/8'],
    good: [
      ['127.0.0.1, 10.0.0.0/8', (c) => c.trustProxy, ['127.0.0.1', '10.0.0.0/8']],
      ['true', (c) => c.trustProxy, true],
      ['false', (c) => c.trustProxy, false],
      ['loopback,fd00::/8', (c) => c.trustProxy, ['loopback', 'fd00::/8']],
    ],
  },
  LATCHKEY_PERMISSIONS_FILE: {
    bad: [
      join(dir, 'missing.json'),
      dir,
      file('not-json.json', '{"permissions":'),
      file('no-object.json', '{"permissions": ["a:b"]}'),
      file('bad-name.json', '{"permissions": {"Tests Write": "x"}}'),
      file('reserved.json', '{"permissions": {"latchkey:keys:verify": "x"}}'),
      file('wildcard.json', '{"permissions": {"tests:*": "x"}}'),
      file('not-string.json', '{"permissions": {"tests:write": 3}}'),
    ],
    good: [[file('ok.json', '{"permissions": {"tests:write": "Report test results"}}'), (c) => c.apiPermissions, { 'tests:write': 'Report test results' }]],
  },
  LATCHKEY_SESSION_TTL_HOURS: int((c) => c.sessionTtlMs, '2', 7_200_000, '0', '721'),
  LATCHKEY_INVITATION_TTL_HOURS: int((c) => c.invitationTtlMs, '1', 3_600_000, '0', '721'),
  LATCHKEY_COOKIE_SECURE: { bad: ['yes', 'on', 'TRUE', '2', 'false '], good: [['true', (c) => c.cookieSecure, true], ['1', (c) => c.cookieSecure, true], ['0', (c) => c.cookieSecure, false], ['false', (c) => c.cookieSecure, false]] },
  LATCHKEY_USAGE_FLUSH_MS: int((c) => c.usageFlushMs, '50', 50, '49', '60001'),
  LATCHKEY_USAGE_BUFFER_MAX: int((c) => c.usageBufferMax, '10', 10, '9', '10000001'),
  LATCHKEY_DB_CONNECT_TIMEOUT_MS: int((c) => c.storageTimeouts.connectMs, '1000', 1000, '99', '600001'),
  LATCHKEY_DB_STATEMENT_TIMEOUT_MS: int((c) => c.storageTimeouts.statementMs, '3600000', 3_600_000, '99', '3600001'),
  LATCHKEY_DB_ACQUIRE_TIMEOUT_MS: int((c) => c.storageTimeouts.acquireMs, '100', 100, '99'),
  LATCHKEY_DB_BUSY_TIMEOUT_MS: int((c) => c.storageTimeouts.busyMs, '0', 0, '600001'),
  LATCHKEY_READY_TIMEOUT_MS: int((c) => c.readyTimeoutMs, '60000', 60_000, '49', '60001'),
  LATCHKEY_OUTAGE_GRACE_MS: int((c) => c.outageGraceMs, '0', 0, '86400001'),
  LATCHKEY_KEY_CACHE_SIZE: int((c) => c.keyCacheSize, '0', 0, '10000001'),
  LATCHKEY_KEY_CACHE_TTL_MS: int((c) => c.keyCacheTtlMs, '86400000', 86_400_000, '86400001'),
  // 14 is in range but below OWASP's minimum: refused without NODE_ENV=test (password-hash.test.ts has the test case).
  LATCHKEY_PASSWORD_HASH_COST: int((c) => c.passwordHashCost, '20', 20, '9', '21', '14'),
  LATCHKEY_INSTANCE_HEARTBEAT_MS: int((c) => c.instanceHeartbeatMs, '100', 100, '99', '60001'),
  LATCHKEY_ALLOW_MULTIPLE_INSTANCES: { bad: ['yes', 'TRUE', 'y'], good: [['1', (c) => c.allowMultipleInstances, true], ['false', (c) => c.allowMultipleInstances, false]] },
  REDIS_URL: { bad: ['localhost:6379', 'http://r:6379', 'redis://'], good: [['redis://127.0.0.1:6379/2', (c) => c.redisUrl, 'redis://127.0.0.1:6379/2']] },
  LATCHKEY_REDIS_PREFIX: { bad: ['has space', 'a'.repeat(65)], good: [['lk-test:1:', (c) => c.redisPrefix, 'lk-test:1:']] },
  LATCHKEY_INVALIDATION_LEASE_MS: int((c) => c.invalidationLeaseMs, '20', 20, '19', '60001'),
  // 209 is in range but within 10 ms of the default lease (200): the wait must outlast the lease.
  LATCHKEY_INVALIDATION_WAIT_MS: int((c) => c.invalidationWaitMs, '60000', 60_000, '29', '60001', '209'),
  LATCHKEY_METRICS_TOKEN: { bad: ['short', 'has a space in it here', 'x'.repeat(257)], good: [['m'.repeat(32), (c) => c.metrics.token, 'm'.repeat(32)]] },
  LATCHKEY_METRICS_PORT: int((c) => c.metrics.port, '9464', 9464, '0', '65536'),
  LATCHKEY_METRICS_HOST: { bad: ['local host', 'http://example.com'], good: [['0.0.0.0', (c) => c.metrics.host, '0.0.0.0']] },
  LATCHKEY_BULK_MAX: int((c) => c.bulkMax, '100000', 100_000, '999', '100001'),
  LATCHKEY_METADATA_MAX_BYTES: int((c) => c.metadataMaxBytes, '256', 256, '255', '1048577'),
  LATCHKEY_OAUTH_ACCESS_TOKEN_TTL_S: int((c) => c.oauth.accessTokenTtlMs, '60', 60_000, '59', '86401'),
  LATCHKEY_OAUTH_REFRESH_TOKEN_TTL_S: int((c) => c.oauth.refreshTokenTtlMs, '300', 300_000, '299', '31536001'),
  LATCHKEY_OAUTH_REFRESH_IDLE_TTL_S: int((c) => c.oauth.refreshIdleTtlMs, '300', 300_000, '299', '31536001'),
  LATCHKEY_OAUTH_ISSUER: {
    bad: ['http://auth.example.com', 'https://auth.example.com/?x=1', 'https://auth.example.com/#f', 'not a url'],
    good: [['https://auth.example.com/', (c) => c.oauth.issuer, 'https://auth.example.com'], ['http://127.0.0.1:8080', (c) => c.oauth.issuer, 'http://127.0.0.1:8080']],
  },
  LATCHKEY_OAUTH_JWT_AUDIENCE: { bad: ['two words', 'x'.repeat(2001)], good: [['https://api.example.com', (c) => c.oauth.jwtAudience, 'https://api.example.com']] },
  LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS: int((c) => c.oauth.signingKeyRotateMs, '7', 7 * 86_400_000, '0', '366'),
  LATCHKEY_DASHBOARD_DIR: { bad: [], good: [['/srv/dashboard', (c) => c.dashboardDir, '/srv/dashboard']], noBadValue: 'a missing build is a warning: the API is served without the dashboard (dashboard-serving.test.ts)' },
  LOG_LEVEL: { bad: ['verbose', 'INFO', 'warning', '30'], good: [['warn', (c) => c.logLevel, 'warn'], ['silent', (c) => c.logLevel, 'silent']] },
  NODE_ENV: { bad: [], good: [['production', () => 'read', 'read']], noBadValue: 'only NODE_ENV=test changes anything (the password hash cost)' },
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: every variable', () => {
  test('has its own cases, and each variable without a bad value says why', () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(CONFIG_VARIABLES).sort());
    for (const [name, cases] of Object.entries(CASES)) assert.ok(cases.bad.length > 0 || cases.noBadValue, `${name} has no bad values and no reason`);
  });

  for (const [name, cases] of Object.entries(CASES) as [ConfigVariableName, Cases][]) {
    test(`${name}: every bad value stops with one line naming the variable and what it accepts`, () => {
      for (const value of cases.bad) {
        const error = configError({ [name]: value });
        assert.equal(error.variable, name, `${name}=${value}`);
        assert.ok(error.message.startsWith(`Invalid ${name}=`), error.message);
        assert.ok(error.message.includes(`Accepted: ${CONFIG_VARIABLES[name].accepts}`), error.message);
        assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
      }
    });
    test(`${name}: accepted values reach the Config`, () => {
      for (const [value, pick, expected] of cases.good) {
        assert.deepEqual(pick(loadConfig({ [name]: value, NODE_ENV: 'test' })), expected, `${name}=${value}`);
      }
    });
  }
});

describe('loadConfig: defaults and messages', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, join(process.cwd(), 'data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.trustProxy, false);
    assert.equal(config.cookieSecure, false);
    assert.equal(config.allowMultipleInstances, false);
    assert.deepEqual(config.apiRateLimit, { limit: 1200, windowMs: 60_000 });
    assert.deepEqual(config.authFailureLimit, { limit: 30, windowMs: 60_000 });
    assert.equal(config.defaultKeyRateLimit, null);
    assert.deepEqual(config.apiPermissions, {});
  });

  test('an empty value counts as unset', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '', LATCHKEY_COOKIE_SECURE: '', DATABASE_URL: '', LATCHKEY_API_RATE_LIMIT: '' });
    assert.equal(config.port, 8080);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.cookieSecure, false);
    assert.equal(config.databaseUrl, undefined);
    assert.deepEqual(config.apiRateLimit, { limit: 1200, windowMs: 60_000 });
  });

  test('the message shows the value, but never a pepper or a database password', () => {
    assert.equal(configError({ LATCHKEY_COOKIE_SECURE: 'yes' }).message, 'Invalid LATCHKEY_COOKIE_SECURE="yes": is not accepted. Accepted: true, false, 1 or 0.');
    const url = configError({ DATABASE_URL: 'mysql://admin:hunter2@db/app' }).message;
    assert.ok(url.includes('mysql://admin:***@db/app') && !url.includes('hunter2'), url);
    assert.match(configError({ LATCHKEY_PERMISSIONS_FILE: join(dir, 'missing.json') }).message, /cannot be read \(ENOENT\)/);
    assert.match(configError({ LATCHKEY_TRUST_PROXY: '10.0.0.1,proxy' }).message, /"proxy" is not an address or range/);
  });

  test('the first bad variable is reported even when others are fine', () => {
    assert.equal(configError({ PORT: '8081', LOG_LEVEL: 'loud', LATCHKEY_COOKIE_SECURE: '1' }).variable, 'LOG_LEVEL');
  });
});
