import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../dialect/dialect-adapter.js';

/**
 * Frozen in time: never edit a migration that has shipped; add the next one. Column types are chosen to mean
 * the same on SQLite and PostgreSQL (bigint is INTEGER affinity in SQLite), so one file serves both.
 */
export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  const bytewise = context.bytewiseCollation;
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('projects_org_name_uq', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => (bytewise ? c.notNull().modifyFront(sql.raw(`collate ${bytewise}`)) : c.notNull()))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('project_restricted', 'integer', (c) => c.notNull())
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('metadata', 'text')
    .addColumn('rate_limit', 'text')
    .addColumn('credits_remaining', 'bigint')
    .addColumn('credits_refill_amount', 'bigint')
    .addColumn('credits_refill_interval_ms', 'bigint')
    .addColumn('credits_refilled_at', 'bigint')
    .addColumn('ip_ranges', 'text')
    .execute();
  // Tenant-scoped id lookups (`org_id = ? AND id IN (…)`, as bulk actions do) get an index that matches both
  // columns, so the planner never prefers scanning a whole organization, whatever its statistics say.
  await db.schema.createIndex('api_keys_org_id_uq').on('api_keys').columns(['org_id', 'id']).unique().execute();
  await db.schema.createIndex('api_keys_org_created_idx').on('api_keys').columns(['org_id', 'kind', 'created_at', 'id']).execute();
  await db.schema.createIndex('api_keys_org_name_idx').on('api_keys').columns(['org_id', 'kind', 'name_lower', 'id']).execute();
  // Names identify organization keys in lists and logs, so two live ones may not share a name; a revoked key
  // frees its name. Partial unique indexes behave the same on SQLite and PostgreSQL.
  await db.schema
    .createIndex('api_keys_org_name_live_uq')
    .on('api_keys')
    .columns(['org_id', 'name_lower'])
    .unique()
    .where(sql.ref('kind'), '=', sql.lit('org'))
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
  await db.schema.createIndex('api_keys_owner_idx').on('api_keys').columns(['owner_user_id', 'created_at']).execute();

  await db.schema
    .createTable('api_key_projects')
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_key_projects_pk', ['key_id', 'project_id'])
    .execute();
  await db.schema.createIndex('api_key_projects_project_idx').on('api_key_projects').columns(['project_id', 'key_id']).execute();

  await db.schema
    .createTable('key_secrets')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('key_secrets_key_idx').on('key_secrets').column('key_id').execute();

  await db.schema
    .createTable('key_usage')
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_usage_pk', ['key_id', 'bucket', 'code'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_events_org_created_idx').on('audit_events').columns(['org_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('audit_events_target_idx').on('audit_events').columns(['org_id', 'target_id', 'created_at']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('csrf_digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('permissions')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('permissions_pk', ['org_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'permissions', 'sessions', 'audit_events', 'key_usage', 'key_secrets', 'api_key_projects', 'api_keys',
    'projects', 'memberships', 'users', 'organizations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
