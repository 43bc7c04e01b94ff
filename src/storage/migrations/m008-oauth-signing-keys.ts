import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * RFC 9068 JWT access tokens (docs/oauth.md, "JWT access tokens").
 *
 * - `oauth_signing_keys`: the ES256 keys that sign them. `private_jwk` is encrypted (AES-256-GCM) under a server
 *   key (services/server-keys.ts), never stored in the clear. `generation` is unique: a rotation inserts
 *   generation n+1, so two instances rotating at once cannot both add a key (the second insert conflicts and does
 *   nothing). `retired_at` set: no longer signs, still published until every token it signed has expired.
 * - `oauth_applications.access_token_format`: `opaque` (the default, a Latchkey credential) or `jwt`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull().unique())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema.alterTable('oauth_applications').addColumn('access_token_format', 'text', (c) => c.notNull().defaultTo(sql.lit('opaque'))).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oauth_applications').dropColumn('access_token_format').execute();
  await db.schema.dropTable('oauth_signing_keys').ifExists().execute();
}
