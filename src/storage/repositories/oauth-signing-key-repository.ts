import type { Kysely } from 'kysely';
import type { Database, OAuthSigningKeyTable } from '../schema.js';

/** A signing key as stored: the private JWK still encrypted. */
export interface StoredSigningKey {
  kid: string;
  generation: number;
  algorithm: string;
  publicJwk: string;
  encryptedPrivateJwk: string;
  createdAt: number;
  retiredAt: number | null;
}

function toKey(row: OAuthSigningKeyTable): StoredSigningKey {
  return {
    kid: row.kid,
    generation: Number(row.generation),
    algorithm: row.algorithm,
    publicJwk: row.public_jwk,
    encryptedPrivateJwk: row.private_jwk,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  };
}

/** The keys that sign JWT access tokens (m008). */
export class OAuthSigningKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The key that signs now: the highest generation. */
  async current(): Promise<StoredSigningKey | null> {
    const row = await this.db.selectFrom('oauth_signing_keys').selectAll().orderBy('generation', 'desc').limit(1).executeTakeFirst();
    return row ? toKey(row) : null;
  }

  async find(kid: string): Promise<StoredSigningKey | null> {
    const row = await this.db.selectFrom('oauth_signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
    return row ? toKey(row) : null;
  }

  /** The current key and every retired one retired after `retiredAfter` (tokens it signed may still be live). */
  async published(retiredAfter: number): Promise<StoredSigningKey[]> {
    const rows = await this.db
      .selectFrom('oauth_signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
      .orderBy('generation', 'desc')
      .execute();
    return rows.map(toKey);
  }

  /**
   * Adds `key` unless its generation exists already; true when it was added. The conflict is absorbed rather than
   * raised, so the instance that lost a concurrent rotation keeps its transaction usable (PostgreSQL aborts a
   * transaction on an error) and simply reads the winner's key.
   */
  async insertIfGenerationFree(key: StoredSigningKey): Promise<boolean> {
    const result = await this.db
      .insertInto('oauth_signing_keys')
      .values({
        kid: key.kid,
        generation: key.generation,
        algorithm: key.algorithm,
        public_jwk: key.publicJwk,
        private_jwk: key.encryptedPrivateJwk,
        created_at: key.createdAt,
        retired_at: key.retiredAt,
      })
      .onConflict((oc) => oc.column('generation').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async retireBelow(generation: number, now: number): Promise<void> {
    await this.db.updateTable('oauth_signing_keys').set({ retired_at: now }).where('generation', '<', generation).where('retired_at', 'is', null).execute();
  }

  /** Forgets keys retired at or before `retiredBefore`: nothing they signed can still be live. */
  async deleteRetired(retiredBefore: number): Promise<void> {
    await this.db.deleteFrom('oauth_signing_keys').where('retired_at', '<=', retiredBefore).execute();
  }
}
