import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { type LatchkeyProcess, startLatchkey } from './latchkey-process.js';
import { POSTGRES_URL } from './test-databases.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * Several real Latchkey processes on one PostgreSQL database of the test's own (created here, dropped by
 * `destroy`), the first organization made by the CLI's `init`. For multi-instance tests and the bench.
 */
export interface LatchkeyCluster {
  databaseUrl: string;
  instances: LatchkeyProcess[];
  ownerKey: string;
  /** A client on the cluster's database, for inspecting and for fault injection. */
  admin: pg.Client;
  /** Each instance's id, read from its start-up log line. */
  instanceIds: string[];
  call(instance: LatchkeyProcess, method: string, path: string, secret: string | null, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  destroy(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function startCluster(count: number, env: Record<string, string> = {}): Promise<LatchkeyCluster> {
  const database = `lk_test_${randomBytes(6).toString('hex')}`;
  const server = new pg.Client({ connectionString: POSTGRES_URL });
  await server.connect();
  await server.query(`create database ${database}`);
  const databaseUrl = withDatabase(POSTGRES_URL, database);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const instances: LatchkeyProcess[] = [];
  const destroy = async () => {
    await Promise.all(instances.map((i) => i.stop(5_000).catch(() => null)));
    await admin.end().catch(() => {});
    await server.query(`drop database if exists ${database} with (force)`).catch(() => {});
    await server.end().catch(() => {});
  };
  try {
    const common = {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      LATCHKEY_PASSWORD_HASH_COST: '10',
      LATCHKEY_DASHBOARD_DIR: join(tmpdir(), 'latchkey-no-dashboard'),
      ...env,
    };
    const init = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'init', '--org', 'Acme', '--email', 'owner@acme.test'], {
      cwd: root,
      env: { ...process.env, ...common, LATCHKEY_OWNER_PASSWORD: 'correct horse battery staple' },
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
    const ownerKey = /lk_live_[A-Za-z0-9]+/.exec(init.stdout)![0];
    // One at a time: each start migrates (a no-op after the first) and claims its row.
    for (let i = 0; i < count; i++) instances.push(await startLatchkey(common));
    const instanceIds = instances.map((i) => /instance (ins_[A-Za-z0-9]+): invalidations shared/.exec(i.output())?.[1] ?? '');
    const call: LatchkeyCluster['call'] = async (instance, method, path, secret, body, headers = {}) => {
      const response = await fetch(`${instance.url}${path}`, {
        method,
        headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
    };
    return { databaseUrl, instances, ownerKey, admin, instanceIds, call, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
