import type { Kysely } from 'kysely';
import type { OAuthApplication, OAuthCode, OAuthGrant, OAuthRefreshToken } from '../../domain/oauth-application.js';
import type { StorageFeatures } from '../dialect/dialect-adapter.js';
import type { Database, OAuthApplicationTable, OAuthGrantTable, OAuthRefreshTokenTable } from '../schema.js';

function toApplication(row: OAuthApplicationTable): OAuthApplication {
  return {
    id: row.id,
    orgId: row.org_id,
    clientId: row.client_id,
    name: row.name,
    description: row.description,
    homepage: row.homepage,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    allowedScopes: JSON.parse(row.allowed_scopes) as string[],
    clientType: row.client_type === 'public' ? 'public' : 'confidential',
    accessTokenFormat: row.access_token_format === 'jwt' ? 'jwt' : 'opaque',
    userId: row.user_id,
    enabled: Number(row.enabled) === 1,
    createdBy: { type: row.created_by_type as 'user' | 'key' | 'system', id: row.created_by_id },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toGrant(row: OAuthGrantTable): OAuthGrant {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    userId: row.user_id,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function toRefresh(row: OAuthRefreshTokenTable): OAuthRefreshToken {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    grantId: row.grant_id,
    familyId: row.family_id,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: Number(row.created_at),
    familyExpiresAt: Number(row.family_expires_at),
    rotatedAt: row.rotated_at === null ? null : Number(row.rotated_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export interface ApplicationPatch {
  name?: string;
  description?: string;
  homepage?: string | null;
  redirectUris?: readonly string[];
  allowedScopes?: readonly string[];
  enabled?: boolean;
  accessTokenFormat?: 'opaque' | 'jwt';
  updatedAt: number;
}

/** Applications, client secrets, codes, grants, refresh tokens, and the links from access tokens (api_keys rows). */
export class OAuthRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
  ) {}

  async insertApplication(app: OAuthApplication, secretDigest: string | null): Promise<void> {
    await this.db
      .insertInto('oauth_applications')
      .values({
        id: app.id,
        org_id: app.orgId,
        client_id: app.clientId,
        name: app.name,
        description: app.description,
        homepage: app.homepage,
        redirect_uris: JSON.stringify(app.redirectUris),
        allowed_scopes: JSON.stringify(app.allowedScopes),
        client_type: app.clientType,
        access_token_format: app.accessTokenFormat,
        user_id: app.userId,
        enabled: app.enabled ? 1 : 0,
        created_by_type: app.createdBy.type,
        created_by_id: app.createdBy.id,
        created_at: app.createdAt,
        updated_at: app.updatedAt,
      })
      .execute();
    if (secretDigest !== null) await this.addSecret(app.id, secretDigest, app.createdAt);
  }

  async addSecret(appId: string, digest: string, now: number): Promise<void> {
    await this.db.insertInto('oauth_client_secrets').values({ digest, app_id: appId, created_at: now, expires_at: null }).execute();
  }

  /** Ends an application's current secrets at `expiresAt` (a grace period) or at once (null). */
  async retireSecrets(appId: string, expiresAt: number | null): Promise<void> {
    if (expiresAt === null) {
      await this.db.deleteFrom('oauth_client_secrets').where('app_id', '=', appId).execute();
      return;
    }
    await this.db.updateTable('oauth_client_secrets').set({ expires_at: expiresAt }).where('app_id', '=', appId).where('expires_at', 'is', null).execute();
    await this.db.updateTable('oauth_client_secrets').set({ expires_at: expiresAt }).where('app_id', '=', appId).where('expires_at', '>', expiresAt).execute();
  }

  /** The application a client secret belongs to, with the end of its grace period (null: current). */
  async findBySecretDigest(digest: string): Promise<{ app: OAuthApplication; secretExpiresAt: number | null } | null> {
    const row = await this.db
      .selectFrom('oauth_client_secrets')
      .innerJoin('oauth_applications', 'oauth_applications.id', 'oauth_client_secrets.app_id')
      .selectAll('oauth_applications')
      .select('oauth_client_secrets.expires_at as secret_expires_at')
      .where('oauth_client_secrets.digest', '=', digest)
      .executeTakeFirst();
    if (!row) return null;
    const { secret_expires_at, ...app } = row;
    return { app: toApplication(app), secretExpiresAt: secret_expires_at === null ? null : Number(secret_expires_at) };
  }

  async findByClientId(clientId: string): Promise<OAuthApplication | null> {
    const row = await this.db.selectFrom('oauth_applications').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? toApplication(row) : null;
  }

  async findApplication(orgId: string, id: string, forUpdate = false): Promise<OAuthApplication | null> {
    let query = this.db.selectFrom('oauth_applications').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (forUpdate && this.features.rowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toApplication(row) : null;
  }

  async findApplicationsByIds(orgId: string, ids: readonly string[]): Promise<OAuthApplication[]> {
    if (ids.length === 0) return [];
    let query = this.db.selectFrom('oauth_applications').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).orderBy('id');
    if (this.features.rowLocks) query = query.forUpdate();
    return (await query.execute()).map(toApplication);
  }

  async findUserCredential(orgId: string, userId: string): Promise<OAuthApplication | null> {
    const row = await this.db.selectFrom('oauth_applications').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
    return row ? toApplication(row) : null;
  }

  /** Applications (`userBound: false`) or per-user client credentials (`true`), newest first. */
  async listApplications(orgId: string, userBound: boolean, options: { search?: string; offset: number; limit: number }): Promise<{ items: OAuthApplication[]; total: number }> {
    let query = this.db.selectFrom('oauth_applications').where('org_id', '=', orgId).where('user_id', userBound ? 'is not' : 'is', null);
    if (options.search) {
      const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', eb.val(pattern)),
          eb(eb.fn('lower', ['client_id']), 'like', eb.val(pattern)),
        ]),
      );
    }
    const total = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(options.offset).limit(options.limit).execute();
    return { items: rows.map(toApplication), total: Number(total.n) };
  }

  async updateApplication(orgId: string, id: string, patch: ApplicationPatch): Promise<void> {
    await this.db
      .updateTable('oauth_applications')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.homepage !== undefined ? { homepage: patch.homepage } : {}),
        ...(patch.redirectUris !== undefined ? { redirect_uris: JSON.stringify(patch.redirectUris) } : {}),
        ...(patch.allowedScopes !== undefined ? { allowed_scopes: JSON.stringify(patch.allowedScopes) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(patch.accessTokenFormat !== undefined ? { access_token_format: patch.accessTokenFormat } : {}),
        updated_at: patch.updatedAt,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async deleteApplications(orgId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('oauth_applications').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  }

  async insertCode(digest: string, code: OAuthCode): Promise<void> {
    await this.db
      .insertInto('oauth_codes')
      .values({
        digest,
        org_id: code.orgId,
        app_id: code.appId,
        user_id: code.userId,
        family_id: code.familyId,
        redirect_uri: code.redirectUri,
        scopes: JSON.stringify(code.scopes),
        code_challenge: code.codeChallenge,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async findCode(digest: string): Promise<OAuthCode | null> {
    const row = await this.db.selectFrom('oauth_codes').selectAll().where('digest', '=', digest).executeTakeFirst();
    if (!row) return null;
    return {
      orgId: row.org_id,
      appId: row.app_id,
      userId: row.user_id,
      familyId: row.family_id,
      redirectUri: row.redirect_uri,
      scopes: JSON.parse(row.scopes) as string[],
      codeChallenge: row.code_challenge,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** Marks a code used; true for exactly one caller however many race (one conditional update). */
  async spendCode(digest: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('oauth_codes').set({ used_at: now }).where('digest', '=', digest).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Codes are worth keeping only until their family's replay could matter; expired unused ones go. */
  async deleteExpiredCodes(before: number): Promise<void> {
    await this.db.deleteFrom('oauth_codes').where('expires_at', '<', before).where('used_at', 'is', null).execute();
  }

  async findLiveGrant(appId: string, userId: string, forUpdate = false): Promise<OAuthGrant | null> {
    let query = this.db.selectFrom('oauth_grants').selectAll().where('app_id', '=', appId).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (forUpdate && this.features.rowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toGrant(row) : null;
  }

  async findGrant(orgId: string, id: string, forUpdate = false): Promise<OAuthGrant | null> {
    let query = this.db.selectFrom('oauth_grants').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (forUpdate && this.features.rowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toGrant(row) : null;
  }

  async insertGrant(grant: OAuthGrant): Promise<void> {
    await this.db
      .insertInto('oauth_grants')
      .values({
        id: grant.id,
        org_id: grant.orgId,
        app_id: grant.appId,
        user_id: grant.userId,
        scopes: JSON.stringify(grant.scopes),
        created_at: grant.createdAt,
        updated_at: grant.updatedAt,
        revoked_at: grant.revokedAt,
      })
      .execute();
  }

  async updateGrantScopes(id: string, scopes: readonly string[], now: number): Promise<void> {
    await this.db.updateTable('oauth_grants').set({ scopes: JSON.stringify(scopes), updated_at: now }).where('id', '=', id).execute();
  }

  async revokeGrant(id: string, now: number): Promise<void> {
    await this.db.updateTable('oauth_grants').set({ revoked_at: now, updated_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    await this.db.updateTable('oauth_refresh_tokens').set({ revoked_at: now }).where('grant_id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Live grants of an organization, or of one user in it, newest first. */
  async listGrants(orgId: string, userId: string | null): Promise<OAuthGrant[]> {
    let query = this.db.selectFrom('oauth_grants').selectAll().where('org_id', '=', orgId).where('revoked_at', 'is', null);
    if (userId !== null) query = query.where('user_id', '=', userId);
    return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000).execute()).map(toGrant);
  }

  async listGrantsOfApp(appId: string): Promise<OAuthGrant[]> {
    return (await this.db.selectFrom('oauth_grants').selectAll().where('app_id', '=', appId).where('revoked_at', 'is', null).execute()).map(toGrant);
  }

  /**
   * A member leaves: their grants and refresh tokens end and their per-user client credential goes, so nothing
   * of theirs revives if they are added again. Their access tokens are api_keys rows, revoked by the caller.
   */
  async endMember(orgId: string, userId: string, now: number): Promise<void> {
    const grants = await this.db.selectFrom('oauth_grants').select('id').where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    for (const grant of grants) await this.revokeGrant(grant.id, now);
    await this.db.deleteFrom('oauth_applications').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }

  async insertRefreshToken(digest: string, token: OAuthRefreshToken): Promise<void> {
    await this.db
      .insertInto('oauth_refresh_tokens')
      .values({
        digest,
        id: token.id,
        org_id: token.orgId,
        app_id: token.appId,
        grant_id: token.grantId,
        family_id: token.familyId,
        scopes: JSON.stringify(token.scopes),
        created_at: token.createdAt,
        family_expires_at: token.familyExpiresAt,
        rotated_at: token.rotatedAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async findRefreshToken(digest: string, forUpdate = false): Promise<OAuthRefreshToken | null> {
    let query = this.db.selectFrom('oauth_refresh_tokens').selectAll().where('digest', '=', digest);
    if (forUpdate && this.features.rowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toRefresh(row) : null;
  }

  /** Rotates a refresh token away; true for exactly one caller however many race. */
  async rotateRefreshToken(digest: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_refresh_tokens')
      .set({ rotated_at: now })
      .where('digest', '=', digest)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    await this.db.updateTable('oauth_refresh_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  }

  async linkToken(link: { keyId: string; orgId: string; appId: string; grantId: string | null; familyId: string | null }): Promise<void> {
    await this.db
      .insertInto('oauth_token_links')
      .values({ key_id: link.keyId, org_id: link.orgId, app_id: link.appId, grant_id: link.grantId, family_id: link.familyId })
      .execute();
  }

  /** The application an access token (an api_keys row) was issued to. */
  async linkOf(keyId: string): Promise<{ appId: string; grantId: string | null; familyId: string | null } | null> {
    const row = await this.db.selectFrom('oauth_token_links').select(['app_id', 'grant_id', 'family_id']).where('key_id', '=', keyId).executeTakeFirst();
    return row ? { appId: row.app_id, grantId: row.grant_id, familyId: row.family_id } : null;
  }

  /** Access tokens (api_keys ids) issued for an application, a grant or a family. */
  async linkedKeyIds(by: { appIds?: readonly string[]; grantId?: string; familyId?: string }): Promise<string[]> {
    let query = this.db.selectFrom('oauth_token_links').select('key_id');
    if (by.appIds !== undefined) {
      if (by.appIds.length === 0) return [];
      query = query.where('app_id', 'in', by.appIds);
    }
    if (by.grantId !== undefined) query = query.where('grant_id', '=', by.grantId);
    if (by.familyId !== undefined) query = query.where('family_id', '=', by.familyId);
    return (await query.execute()).map((r) => r.key_id);
  }
}
