import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/server/build-app.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { isPostgresUnavailable } from '../../src/storage/dialect/postgres/create-postgres-adapter.js';
import { isSqliteUnavailable } from '../../src/storage/dialect/sqlite/create-sqlite-adapter.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { createTestApp } from '../helpers/test-app.js';
import { POSTGRES_URL, TEST_DATABASES } from '../helpers/test-databases.js';

/** A port with nothing listening: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

for (const database of TEST_DATABASES) {
  describe(`${database}: storage faults are 503, bugs stay 500`, () => {
    it('a true bug (a table missing) is still 500 INTERNAL, and does not count as an outage', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      assert.equal((await h.call('GET', '/v1/audit', h.ownerKey)).statusCode, 200);
      await dropAuditTable(h.storage, database);
      const response = await h.call('GET', '/v1/audit', h.ownerKey);
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().error.code, 'INTERNAL');
      assert.equal(h.storage.health.failingSince, 0);
    });
  });
}

/** Drops audit_events behind Latchkey's back, through the storage's own connection. */
async function dropAuditTable(storage: Storage, database: 'sqlite' | 'postgres'): Promise<void> {
  const db = (storage as unknown as { db: { schema: { dropTable(name: string): { cascade(): { execute(): Promise<void> }; execute(): Promise<void> } } } }).db;
  if (database === 'postgres') await db.schema.dropTable('audit_events').cascade().execute();
  else await db.schema.dropTable('audit_events').execute();
}

describe('the dialect adapters tell faults from bugs', () => {
it('postgres: with the server refusing connections, sessions, sign-in, setup and /readyz answer 503 STORAGE_UNAVAILABLE with Retry-After', async (t) => {
    // Nothing listens on the port: every connection is refused, as with a stopped server (SQLite's faults are in sqlite-faults.test.ts).
    const storage = openStorage({ databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`, dataDir: '', timeouts: { connectMs: 1000 } });
    const config = loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_API_RATE_LIMIT: 'off', LATCHKEY_READY_TIMEOUT_MS: '2000' });
    const latchkey = createLatchkey(config, storage);
    const app = await buildApp(latchkey);
    t.after(async () => {
      await app.close();
      await storage.close();
    });
    const requests = [
      { method: 'GET', url: '/readyz' },
      { method: 'GET', url: '/v1/setup' },
      { method: 'POST', url: '/v1/auth/sign-in', payload: { email: 'owner@acme.test', password: 'whatever it is' } },
      { method: 'GET', url: '/v1/keys', headers: { cookie: 'latchkey_session=abc' } },
    ] as const;
    for (const request of requests) {
      const response = await app.inject({
        method: request.method,
        url: request.url,
        headers: { ...('payload' in request ? { 'content-type': 'application/json' } : {}), ...('headers' in request ? request.headers : {}) },
        ...('payload' in request ? { payload: JSON.stringify(request.payload) } : {}),
      });
      const what = `${request.method} ${request.url}`;
      assert.equal(response.statusCode, 503, `${what}: ${response.body}`);
      assert.equal(response.json().error.code, 'STORAGE_UNAVAILABLE', what);
      assert.equal(response.json().error.requestId, response.headers['x-request-id'], what);
      assert.equal(response.headers['retry-after'], '5', what);
    }
    assert.ok(storage.health.failingSince > 0);
  });

  it('PostgreSQL: refused, reset, shutdown, connection exceptions, resources, timeouts are faults; constraint and syntax errors are not', async () => {
    const refused = await new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres` }).connect().catch((e: unknown) => e);
    assert.ok(isPostgresUnavailable(refused), 'a real refused connection');
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '57014', '08006', '08001', '53300', '53100']) {
      assert.ok(isPostgresUnavailable(Object.assign(new Error('x'), { code })), code);
    }
    for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Query read timeout', 'Connection terminated due to connection timeout']) {
      assert.ok(isPostgresUnavailable(new Error(message)), message);
    }
    for (const code of ['23505', '23503', '42P01', '42601', '22P02', undefined]) {
      assert.ok(!isPostgresUnavailable(Object.assign(new Error('x'), { code })), String(code));
    }
    if (TEST_DATABASES.includes('postgres')) {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      const syntax = await client.query('selec 1').catch((e: unknown) => e);
      const timeout = await client.query('set statement_timeout = 50; select pg_sleep(1)').catch((e: unknown) => e);
      await client.end();
      assert.ok(!isPostgresUnavailable(syntax), 'a real syntax error is a bug');
      assert.ok(isPostgresUnavailable(timeout), 'a real statement timeout is a fault');
    }
  });

  it('SQLite: busy, locked, I/O, full, cannot open, read-only and a closed connection are faults; constraint errors are not', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', 'SQLITE_IOERR_WRITE', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_DBMOVED']) {
      assert.ok(isSqliteUnavailable(Object.assign(new Error('x'), { code })), code);
    }
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_MISMATCH', 'SQLITE_BUSYX']) {
      assert.ok(!isSqliteUnavailable(Object.assign(new Error('x'), { code })), code);
    }
    assert.ok(isSqliteUnavailable(new TypeError('The database connection is not open')));
  });
});
