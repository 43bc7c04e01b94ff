import type { Kysely } from 'kysely';

/**
 * Secrets the server generates for itself (the cursor-signing key when no pepper is configured). Kept in the
 * database rather than on one instance's disk so every instance on the database signs and checks alike.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
}
