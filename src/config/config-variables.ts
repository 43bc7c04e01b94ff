import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ID_KINDS } from '../domain/ids.js';
import { DEFAULT_PASSWORD_HASH_COST } from '../domain/password-hash.js';
import { PERMISSION_PATTERN } from '../domain/permission-pattern.js';
import { TOKEN_PREFIX_PATTERN } from '../domain/token-format.js';
import { DEFAULT_STORAGE_TIMEOUTS } from '../storage/storage-timeouts.js';
import { ConfigError } from './config-error.js';
import { anyText, boolean, type EnvParser, integer, isAddressOrRange, matching, onOff, oneOf, rate } from './env-parsers.js';

/** One environment variable: what docs/configuration.md shows as its default, what it accepts, how it is read. */
export interface ConfigVariable<T> {
  /** The default column of docs/configuration.md (`unset` when there is none). */
  default: string;
  accepts: string;
  /** Its value is never echoed in an error. */
  secret: boolean;
  read(name: string, raw: string | undefined): T;
}

/** How a value appears in an error: secrets hidden, a URL's password masked, long text cut. */
function show(raw: string, secret: boolean): string {
  if (secret) return '(hidden)';
  const masked = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
  return JSON.stringify(masked.length > 80 ? `${masked.slice(0, 77)}...` : masked);
}

function reader<T>(parser: EnvParser<T>, secret: boolean) {
  return (name: string, raw: string): T =>
    parser.parse(raw, (problem?: string) => {
      throw new ConfigError(name, show(raw, secret), parser.accepts, problem);
    });
}

/** An empty value counts as unset, so `VAR=` in an env file means the default. */
function withDefault<T>(fallback: string, parser: EnvParser<T>): ConfigVariable<T> {
  const parse = reader(parser, false);
  return { default: fallback, accepts: parser.accepts, secret: false, read: (name, raw) => parse(name, raw === undefined || raw === '' ? fallback : raw) };
}

function optional<T>(parser: EnvParser<T>, options: { secret?: boolean; documentedDefault?: string } = {}): ConfigVariable<T | undefined> {
  const parse = reader(parser, options.secret ?? false);
  return {
    default: options.documentedDefault ?? 'unset',
    accepts: parser.accepts,
    secret: options.secret ?? false,
    read: (name, raw) => (raw === undefined || raw === '' ? undefined : parse(name, raw)),
  };
}

/** The issuer must be a plain https (or loopback http) origin with an optional path: RFC 8414 §2 forbids query and fragment. */
const issuerUrl: EnvParser<string> = {
  accepts: 'an https URL without query or fragment (http only on localhost or 127.0.0.1), e.g. https://auth.example.com',
  parse: (raw, fail) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail();
    }
    if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) return fail('has a query or fragment');
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return fail('is not https');
    return raw.replace(/\/+$/, '');
  },
};

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

const host: EnvParser<string> = {
  accepts: 'an IP address (0.0.0.0 for every interface) or a host name',
  parse: (raw, fail) => (isIP(raw) !== 0 || HOST_NAME.test(raw) ? raw : fail()),
};

const redisUrl: EnvParser<string> = {
  accepts: 'redis://[user:pass@]host:6379[/db] or rediss://…',
  parse: (raw, fail) => (/^rediss?:\/\/[^\s]+$/.test(raw) ? raw : fail()),
};

/** Anything else used to mean "SQLite in ./data", so a mistyped URL silently served from an empty database. */
const databaseUrl: EnvParser<string> = {
  accepts: 'postgres://user:pass@host:5432/db (or postgresql://…), or sqlite:/path/to/file.sqlite',
  parse(raw, fail) {
    if (raw.startsWith('sqlite:')) return raw;
    if (!/^postgres(ql)?:\/\//.test(raw)) return fail();
    try {
      if (!new URL(raw).hostname && !raw.includes('host=')) fail('names no host');
    } catch {
      fail('is not a URL');
    }
    return raw;
  },
};

/** proxy-addr's names for address ranges, which Fastify accepts in a list. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const trustProxy: EnvParser<boolean | string[]> = {
  accepts: 'false, true, or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal',
  parse(raw, fail) {
    const text = raw.trim();
    if (text === 'false') return false;
    if (text === 'true') return true;
    const entries = text.split(',').map((entry) => entry.trim());
    for (const entry of entries) if (!isAddressOrRange(entry) && !PROXY_NAMES.includes(entry)) fail(`"${entry}" is not an address or range`);
    return entries;
  },
};

const permissionsFile: EnvParser<Record<string, string>> = {
  accepts: 'the path of a readable JSON file {"permissions": {"name": "description", ...}} with valid permission names',
  parse(path, fail) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      fail('is not JSON');
    }
    const entries = (parsed as { permissions?: unknown } | null)?.permissions;
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return fail('has no "permissions" object');
    const result: Record<string, string> = {};
    for (const [name, description] of Object.entries(entries)) {
      if (!PERMISSION_PATTERN.test(name) || name.includes('*') || name.startsWith('latchkey:')) fail(`"${name}" is not a valid permission name`);
      if (typeof description !== 'string') fail(`the description of "${name}" is not a string`);
      result[name] = description as string;
    }
    return result;
  },
};

const authHeader: EnvParser<string> = {
  accepts: 'a header name of 1-64 letters, digits or dashes (Token)',
  parse: (raw, fail) => {
    const name = raw.trim();
    return /^[A-Za-z0-9-]{1,64}$/.test(name) ? name.toLowerCase() : fail();
  },
};

/** Ids are `<kind>_` + 20 characters: a prefix spelled like an id kind would make every id in a path look like a secret. */
const keyPrefix: EnvParser<string> = {
  accepts: `1-16 letters (either case) or digits, starting with a letter, no underscore, not an id prefix (${ID_KINDS.join(', ')})`,
  parse: (raw, fail) => {
    if (!TOKEN_PREFIX_PATTERN.test(raw)) return fail();
    if ((ID_KINDS as readonly string[]).includes(raw.toLowerCase())) return fail('is an id prefix');
    return raw;
  },
};

const timeouts = DEFAULT_STORAGE_TIMEOUTS;

/**
 * Every environment variable Latchkey's configuration reads, in the order of docs/configuration.md's table. loadConfig
 * reads each of them on every start, and test/config/configuration-docs.test.ts holds the docs to this table.
 */
export const CONFIG_VARIABLES = {
  PORT: withDefault('8080', integer(0, 65535)),
  HOST: withDefault('127.0.0.1', host),
  LATCHKEY_DATA_DIR: withDefault('./data', matching(/^[^\0]+$/, 'the path of a folder Latchkey may create and write')),
  DATABASE_URL: optional(databaseUrl),
  LATCHKEY_KEY_PREFIX: withDefault('lk', keyPrefix),
  LATCHKEY_TOKEN_TYPE_SEGMENT: withDefault('on', onOff),
  LATCHKEY_KRITEN_API: withDefault('off', onOff),
  LATCHKEY_AUTH_HEADER: optional(authHeader),
  LATCHKEY_PEPPER: optional(anyText, { secret: true }),
  LATCHKEY_DEFAULT_KEY_RATE_LIMIT: withDefault('off', rate(true)),
  LATCHKEY_API_RATE_LIMIT: withDefault('1200/60s', rate(true)),
  LATCHKEY_AUTH_FAILURE_LIMIT: withDefault('30/60s', rate(false)),
  LATCHKEY_TRUST_PROXY: withDefault('false', trustProxy),
  LATCHKEY_PERMISSIONS_FILE: optional(permissionsFile),
  LATCHKEY_SESSION_TTL_HOURS: withDefault('12', integer(1, 24 * 30)),
  LATCHKEY_INVITATION_TTL_HOURS: withDefault('168', integer(1, 24 * 30)),
  LATCHKEY_COOKIE_SECURE: withDefault('false', boolean),
  LATCHKEY_USAGE_FLUSH_MS: withDefault('2000', integer(50, 60_000)),
  LATCHKEY_USAGE_BUFFER_MAX: withDefault('100000', integer(10, 10_000_000)),
  LATCHKEY_DB_CONNECT_TIMEOUT_MS: withDefault(String(timeouts.connectMs), integer(100, 600_000)),
  LATCHKEY_DB_STATEMENT_TIMEOUT_MS: withDefault(String(timeouts.statementMs), integer(100, 3_600_000)),
  LATCHKEY_DB_ACQUIRE_TIMEOUT_MS: withDefault(String(timeouts.acquireMs), integer(100, 600_000)),
  LATCHKEY_DB_BUSY_TIMEOUT_MS: withDefault(String(timeouts.busyMs), integer(0, 600_000)),
  LATCHKEY_READY_TIMEOUT_MS: withDefault('2000', integer(50, 60_000)),
  LATCHKEY_OUTAGE_GRACE_MS: withDefault('30000', integer(0, 86_400_000)),
  LATCHKEY_KEY_CACHE_SIZE: withDefault('100000', integer(0, 10_000_000)),
  LATCHKEY_KEY_CACHE_TTL_MS: withDefault('300000', integer(0, 86_400_000)),
  LATCHKEY_PASSWORD_HASH_COST: withDefault(String(DEFAULT_PASSWORD_HASH_COST), integer(10, 20)),
  LATCHKEY_INSTANCE_HEARTBEAT_MS: withDefault('5000', integer(100, 60_000)),
  LATCHKEY_ALLOW_MULTIPLE_INSTANCES: withDefault('false', boolean),
  REDIS_URL: optional(redisUrl),
  LATCHKEY_REDIS_PREFIX: withDefault('latchkey:', matching(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - (1 to 64 characters)')),
  LATCHKEY_INVALIDATION_LEASE_MS: withDefault('200', integer(20, 60_000)),
  LATCHKEY_INVALIDATION_WAIT_MS: withDefault('250', integer(30, 60_000)),
  LATCHKEY_METRICS_TOKEN: optional(matching(/^[\x21-\x7e]{16,256}$/, '16 to 256 visible ASCII characters'), { secret: true }),
  LATCHKEY_METRICS_PORT: optional(integer(1, 65535)),
  LATCHKEY_METRICS_HOST: withDefault('127.0.0.1', host),
  LATCHKEY_BULK_MAX: withDefault('1000', integer(1000, 100_000)),
  LATCHKEY_METADATA_MAX_BYTES: withDefault('4096', integer(256, 1_048_576)),
  LATCHKEY_OAUTH_ACCESS_TOKEN_TTL_S: withDefault('3600', integer(60, 86_400)),
  LATCHKEY_OAUTH_REFRESH_TOKEN_TTL_S: withDefault('2592000', integer(300, 31_536_000)),
  LATCHKEY_OAUTH_REFRESH_IDLE_TTL_S: withDefault('604800', integer(300, 31_536_000)),
  LATCHKEY_OAUTH_ISSUER: optional(issuerUrl),
  LATCHKEY_OAUTH_JWT_AUDIENCE: optional(matching(/^[\x21-\x7e]{1,2000}$/, 'printable text without spaces, e.g. https://api.example.com')),
  LATCHKEY_OAUTH_SIGNING_KEY_ROTATE_DAYS: withDefault('30', integer(1, 365)),
  LATCHKEY_DASHBOARD_DIR: optional(matching(/^[^\0]+$/, 'the path of a folder holding the dashboard build'), { documentedDefault: 'dashboard/dist' }),
  LOG_LEVEL: withDefault('info', oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])),
  NODE_ENV: optional(anyText),
} satisfies Record<string, ConfigVariable<unknown>>;

export type ConfigVariableName = keyof typeof CONFIG_VARIABLES;

export type ConfigValues = { [K in ConfigVariableName]: ReturnType<(typeof CONFIG_VARIABLES)[K]['read']> };

/** Reads every variable, so the first bad one stops the start whatever the others hold. */
export function readConfigVariables(env: NodeJS.ProcessEnv): ConfigValues {
  const values: Partial<Record<ConfigVariableName, unknown>> = {};
  for (const [name, variable] of Object.entries(CONFIG_VARIABLES) as [ConfigVariableName, ConfigVariable<unknown>][]) {
    values[name] = variable.read(name, env[name]);
  }
  return values as ConfigValues;
}
