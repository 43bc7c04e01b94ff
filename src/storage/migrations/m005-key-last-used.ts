import { type Kysely, sql } from 'kysely';

/**
 * Last-used times move out of `api_keys` into a narrow table of their own. Every flush moves the time of every
 * key used since the last one; in `api_keys` that rewrote a wide row whose page is full, so on PostgreSQL the
 * update was never HOT and wrote a new entry into each of the table's six indexes, for a value no index holds.
 * Here a row is a key id and a time under one primary key. A key that was never used has no row; a deleted key's
 * row goes with it (the cascade, and KeyRepository.deleteMany deletes it explicitly like its other children).
 * Existing times are copied before the column is dropped, so no key forgets when it was last used.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('key_last_used')
    .addColumn('key_id', 'text', (c) => c.primaryKey().references('api_keys.id').onDelete('cascade'))
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into key_last_used (key_id, last_used_at) select id, last_used_at from api_keys where last_used_at is not null`.execute(db);
  await db.schema.alterTable('api_keys').dropColumn('last_used_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute();
  await sql`update api_keys set last_used_at = (select lu.last_used_at from key_last_used as lu where lu.key_id = api_keys.id)`.execute(db);
  await db.schema.dropTable('key_last_used').execute();
}
