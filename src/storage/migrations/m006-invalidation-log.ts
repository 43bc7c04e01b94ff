import type { Kysely } from 'kysely';

/**
 * The invalidation log and its acknowledgements (docs/design.md, "The invalidation log"):
 *
 * - `invalidation_log`: one row per change that can make a cached verification decision wrong, written in the
 *   same transaction as the change. Ids are assigned under a table lock as max + 1, so they are dense and follow
 *   commit order: a reader that has applied id n and next sees n + 2 knows the log was trimmed past it.
 * - `invalidation_acks`: per running instance, the highest id it has applied, so the instance that made a change
 *   can wait until every live instance has it before answering.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invalidation_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('invalidation_acks')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('applied_id', 'bigint', (c) => c.notNull())
    .addColumn('acked_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invalidation_acks').ifExists().execute();
  await db.schema.dropTable('invalidation_log').ifExists().execute();
}
