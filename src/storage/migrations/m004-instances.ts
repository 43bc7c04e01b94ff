import type { Kysely } from 'kysely';

/**
 * Two tables about the running deployment rather than any organization:
 *
 * - `instance_heartbeats`: one row per running server, refreshed every few seconds, so a second server started
 *   on the same database can see the first and refuse to start (caches and rate limits are per process).
 * - `instance_setup`: at most one row (its key is always 1), written by first-run setup in the same transaction
 *   as the first organization. Two first runs racing on PostgreSQL would otherwise both see "no organization"
 *   under READ COMMITTED; the second insert of the same key waits for the first and then fails.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instance_heartbeats')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('instance_setup')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_setup').ifExists().execute();
  await db.schema.dropTable('instance_heartbeats').ifExists().execute();
}
