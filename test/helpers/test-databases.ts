import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage } from '../../src/storage/open-storage.js';
import type { Storage } from '../../src/storage/storage.js';

export type TestDatabase = 'sqlite' | 'postgres';

/**
 * The databases this run covers, set by test/run-tests.ts (LATCHKEY_TEST_DATABASES). Every storage-touching
 * test loops over this list, so each behaviour is asserted once per database from one test body.
 */
export const TEST_DATABASES: TestDatabase[] = (process.env.LATCHKEY_TEST_DATABASES ?? 'sqlite')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is TestDatabase => s === 'sqlite' || s === 'postgres');

export const POSTGRES_URL = process.env.LATCHKEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStorage {
  storage: Storage;
  /** PostgreSQL: the schema, so a test can open a second connection pool on the same database (another instance). */
  postgresSchema?: string;
  destroy(): Promise<void>;
}

/** A fresh, migrated database: in-memory SQLite, or a new PostgreSQL schema dropped afterwards. */
export async function createTestStorage(database: TestDatabase, options: { rowSetChunk?: number } = {}): Promise<TestStorage> {
  if (database === 'sqlite') {
    const storage = openStorage({ databaseUrl: 'sqlite::memory:', dataDir: '', ...options });
    await storage.migrate();
    return { storage, destroy: () => storage.close() };
  }
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const storage = openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', postgresSchema: schema, ...options });
  const destroy = async () => {
    await storage.close();
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.end();
  };
  try {
    await storage.migrate();
  } catch (error) {
    await destroy();
    throw error;
  }
  return { storage, postgresSchema: schema, destroy };
}
