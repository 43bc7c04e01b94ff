import type { Kysely } from 'kysely';

/**
 * OAuth 2.0 (docs/oauth.md). Access tokens are not here: they are `api_keys` rows of kind `oauth` with their
 * digest in `key_secrets`, so the verify path, its cache and the invalidation bus serve them unchanged;
 * `oauth_token_links` says which application, grant and family each one came from, so a revocation can find them.
 *
 * - `oauth_applications`: a registered client. `user_id` set makes it a per-user client credential (seed 003):
 *   client_credentials only, acting for that user; `user_id` null is an application users authorize.
 * - `oauth_client_secrets`: digests of client secrets; `expires_at` null is the current one, set is a regenerated
 *   one in its grace period.
 * - `oauth_codes`: authorization codes by digest, single use (`used_at` is set by one conditional update).
 * - `oauth_grants`: a user's consent to an application (one live row per user × application).
 * - `oauth_refresh_tokens`: by digest; `rotated_at` set once it has been exchanged, kept to detect reuse.
 *   `family_id` is the authorization code the chain started from, `family_expires_at` its absolute end.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('homepage', 'text')
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('allowed_scopes', 'text', (c) => c.notNull())
    .addColumn('client_type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_applications_org_idx').on('oauth_applications').columns(['org_id', 'created_at', 'id']).execute();
  // One client credential per user and organization (seed 003: asking again is refused).
  await db.schema.createIndex('oauth_applications_user_uq').on('oauth_applications').columns(['org_id', 'user_id']).unique().execute();

  await db.schema
    .createTable('oauth_client_secrets')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('oauth_applications.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_client_secrets_app_idx').on('oauth_client_secrets').column('app_id').execute();

  await db.schema
    .createTable('oauth_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('oauth_applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_grants_org_idx').on('oauth_grants').columns(['org_id', 'user_id', 'created_at']).execute();
  await db.schema.createIndex('oauth_grants_app_idx').on('oauth_grants').columns(['app_id', 'user_id']).execute();

  await db.schema
    .createTable('oauth_codes')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('oauth_applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('oauth_refresh_tokens')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('oauth_applications.id').onDelete('cascade'))
    .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('family_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_refresh_tokens_grant_idx').on('oauth_refresh_tokens').columns(['grant_id']).execute();
  await db.schema.createIndex('oauth_refresh_tokens_family_idx').on('oauth_refresh_tokens').columns(['family_id']).execute();

  await db.schema
    .createTable('oauth_token_links')
    .addColumn('key_id', 'text', (c) => c.primaryKey().references('api_keys.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('oauth_applications.id').onDelete('cascade'))
    .addColumn('grant_id', 'text')
    .addColumn('family_id', 'text')
    .execute();
  await db.schema.createIndex('oauth_token_links_app_idx').on('oauth_token_links').column('app_id').execute();
  await db.schema.createIndex('oauth_token_links_grant_idx').on('oauth_token_links').column('grant_id').execute();
  await db.schema.createIndex('oauth_token_links_family_idx').on('oauth_token_links').column('family_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['oauth_token_links', 'oauth_refresh_tokens', 'oauth_codes', 'oauth_grants', 'oauth_client_secrets', 'oauth_applications']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
