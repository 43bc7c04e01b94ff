import Database from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../src/domain/ids.js';
import { DEFAULT_TOKEN_FORMAT, displayStart, generateToken } from '../src/domain/token-format.js';

/**
 * Bench-only bulk seeding: writes organization keys straight into api_keys and key_secrets, bypassing the
 * services (one audited transaction per key would take hours at a million). Every row is what KeyService
 * would store: a real generated token, its digest, its display start, a unique live name. The driver is used
 * directly because only it can prepare one multi-row statement once and reuse it for every batch.
 */
export type SeedTarget = { database: 'sqlite'; file: string } | { database: 'postgres'; url: string; schema: string };

export interface SeedOptions {
  orgId: string;
  createdById: string;
  count: number;
  /** How many (id, secret) pairs to remember, spread evenly over the rows. */
  sampleSize: number;
  digest: (secret: string) => string;
  now: number;
}

export interface SeededKey {
  id: string;
  secret: string;
}

export interface SeedResult {
  sample: SeededKey[];
  seconds: number;
}

const TEAMS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray'];
const SERVICES = ['api', 'billing', 'ci', 'cron', 'etl', 'gateway', 'ingest', 'mobile', 'orders', 'payments', 'reports', 'search', 'sync', 'web', 'worker', 'zapier'];

/** Name prefixes the search benchmark uses: a whole team (~1/24 of rows) and a team's service (~1/384). */
export function searchPrefixes(): string[] {
  return [...TEAMS.map((t) => `${t}-`), ...TEAMS.flatMap((t) => SERVICES.slice(0, 4).map((s) => `${t}-${s}-`))];
}

interface Row {
  id: string;
  tokenType: string;
  name: string;
  start: string;
  createdAt: number;
  digest: string;
}

function makeBatch(from: number, size: number, o: SeedOptions, every: number, sample: SeededKey[]): Row[] {
  const rows: Row[] = [];
  for (let i = from; i < from + size; i++) {
    const tokenType = i % 10 === 9 ? 'test' : 'live';
    const secret = generateToken(DEFAULT_TOKEN_FORMAT, tokenType);
    const id = newId('key');
    if (i % every === 0 && sample.length < o.sampleSize) sample.push({ id, secret });
    rows.push({
      id,
      tokenType,
      name: `${TEAMS[i % TEAMS.length]}-${SERVICES[Math.floor(i / TEAMS.length) % SERVICES.length]}-${i}`,
      start: displayStart(secret),
      // One key a second, oldest first, ending now.
      createdAt: o.now - (o.count - i) * 1000,
      digest: o.digest(secret),
    });
  }
  return rows;
}

const KEY_COLUMNS =
  'id, org_id, kind, token_type, name, name_lower, description, start, permissions, project_restricted, owner_user_id, created_by_type, created_by_id, created_at, updated_at, expires_at, enabled, revoked_at, metadata, rate_limit, credits_remaining, credits_refill_amount, credits_refill_interval_ms, credits_refilled_at, ip_ranges';
const PERMISSIONS = JSON.stringify(['orders:read', 'orders:write']);

export async function seedKeys(target: SeedTarget, o: SeedOptions): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const every = Math.max(1, Math.floor(o.count / o.sampleSize));
  const sample: SeededKey[] = [];
  if (target.database === 'sqlite') seedSqlite(target.file, o, every, sample);
  else await seedPostgres(target, o, every, sample);
  return { sample, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function seedSqlite(file: string, o: SeedOptions, every: number, sample: SeededKey[]): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -262144');
  const perStatement = 100;
  const keyTuple = `(?, ?, 'org', ?, ?, ?, '', ?, ?, 0, NULL, 'user', ?, ?, ?, NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;
  const insertKeys = db.prepare(`insert into api_keys (${KEY_COLUMNS}) values ${Array(perStatement).fill(keyTuple).join(', ')}`);
  const insertSecrets = db.prepare(`insert into key_secrets (digest, key_id, org_id, created_at, expires_at) values ${Array(perStatement).fill('(?, ?, ?, ?, NULL)').join(', ')}`);
  const insertKey = db.prepare(`insert into api_keys (${KEY_COLUMNS}) values ${keyTuple}`);
  const insertSecret = db.prepare('insert into key_secrets (digest, key_id, org_id, created_at, expires_at) values (?, ?, ?, ?, NULL)');
  const keyParams = (r: Row) => [r.id, o.orgId, r.tokenType, r.name, r.name.toLowerCase(), r.start, PERMISSIONS, o.createdById, r.createdAt, r.createdAt];
  const secretParams = (r: Row) => [r.digest, r.id, o.orgId, r.createdAt];
  const write = db.transaction((rows: Row[]) => {
    let i = 0;
    for (; i + perStatement <= rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      insertKeys.run(chunk.flatMap(keyParams));
      insertSecrets.run(chunk.flatMap(secretParams));
    }
    for (; i < rows.length; i++) {
      insertKey.run(keyParams(rows[i]!));
      insertSecret.run(secretParams(rows[i]!));
    }
  });
  const batch = 50_000;
  for (let from = 0; from < o.count; from += batch) write(makeBatch(from, Math.min(batch, o.count - from), o, every, sample));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function seedPostgres(target: { url: string; schema: string }, o: SeedOptions, every: number, sample: SeededKey[]): Promise<void> {
  const client = new pg.Client({ connectionString: target.url, options: `-c search_path=${target.schema}` });
  await client.connect();
  // unnest() turns one array per column into rows: a single prepared statement inserts a whole batch.
  const insertKeys = {
    name: 'bench_seed_keys',
    text: `insert into api_keys (${KEY_COLUMNS})
           select id, $6, 'org', token_type, name, lower(name), '', start, $7, 0, null, 'user', $8, created_at, created_at, null, 1, null, null, null, null, null, null, null, null
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) as t(id, token_type, name, start, created_at)`,
  };
  const insertSecrets = {
    name: 'bench_seed_secrets',
    text: `insert into key_secrets (digest, key_id, org_id, created_at, expires_at)
           select digest, id, $3, created_at, null from unnest($1::text[], $2::text[], $4::bigint[]) as t(digest, id, created_at)`,
  };
  const write = async (rows: Row[]) => {
    const ids = rows.map((r) => r.id);
    const createdAt = rows.map((r) => r.createdAt);
    await client.query({ ...insertKeys, values: [ids, rows.map((r) => r.tokenType), rows.map((r) => r.name), rows.map((r) => r.start), createdAt, o.orgId, PERMISSIONS, o.createdById] });
    await client.query({ ...insertSecrets, values: [rows.map((r) => r.digest), ids, o.orgId, createdAt] });
  };
  const batch = 10_000;
  await client.query('begin');
  try {
    let pending: Promise<void> | null = null;
    for (let from = 0; from < o.count; from += batch) {
      // Generating the next batch overlaps with PostgreSQL inserting the previous one.
      const rows = makeBatch(from, Math.min(batch, o.count - from), o, every, sample);
      if (pending) await pending;
      pending = write(rows);
    }
    if (pending) await pending;
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  // Autovacuum would analyze tables this size within a minute; doing it now measures the steady state.
  await client.query('analyze api_keys');
  await client.query('analyze key_secrets');
  await client.end();
}
