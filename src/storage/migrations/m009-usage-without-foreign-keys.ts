import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../dialect/dialect-adapter.js';

/**
 * The usage tables lose their foreign keys where checking them locks the key row (PostgreSQL): a flush of
 * 100,000 keys spent more than half its time writing those locks into api_keys. What the keys protected is kept
 * otherwise: a flush writes only rows of keys that exist (it joins api_keys), deleting keys deletes their usage
 * rows explicitly (KeyRepository.deleteMany), and the two never overlap (StorageFeatures.usageLock), so no row
 * can outlive its key.
 */
export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  await context.dropForeignKeys(db, 'key_usage');
  await context.dropForeignKeys(db, 'key_last_used');
}

export async function down(db: Kysely<any>, context: MigrationContext): Promise<void> {
  for (const table of ['key_usage', 'key_last_used']) {
    await sql`delete from ${sql.table(table)} where key_id not in (select id from api_keys)`.execute(db);
    await context.addForeignKey(db, table, 'key_id', 'api_keys.id');
  }
}
