import type { Migration, MigrationProvider } from 'kysely';
import type { MigrationContext } from '../dialect/dialect-adapter.js';
import * as m001 from './m001-initial.js';
import * as m002 from './m002-invitations.js';
import * as m003 from './m003-server-secrets.js';
import * as m004 from './m004-instances.js';
import * as m005 from './m005-key-last-used.js';
import * as m006 from './m006-invalidation-log.js';
import * as m007 from './m007-oauth.js';
import * as m008 from './m008-oauth-signing-keys.js';
import * as m009 from './m009-usage-without-foreign-keys.js';

/**
 * Listed explicitly rather than read from disk, so the compiled build and the test runner see the same set. Each
 * migration receives the dialect's capabilities, never its name.
 */
export function createMigrationProvider(context: MigrationContext): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        m001_initial: { up: (db) => m001.up(db, context), down: m001.down },
        m002_invitations: { up: (db) => m002.up(db), down: m002.down },
        m003_server_secrets: { up: (db) => m003.up(db), down: m003.down },
        m004_instances: { up: (db) => m004.up(db), down: m004.down },
        m005_key_last_used: { up: (db) => m005.up(db), down: m005.down },
        m006_invalidation_log: { up: (db) => m006.up(db), down: m006.down },
        m007_oauth: { up: (db) => m007.up(db), down: m007.down },
        m008_oauth_signing_keys: { up: (db) => m008.up(db), down: m008.down },
        m009_usage_without_foreign_keys: { up: (db) => m009.up(db, context), down: (db) => m009.down(db, context) },
      };
    },
  };
}
