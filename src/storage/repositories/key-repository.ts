import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { ApiKey, KeyStatus } from '../../domain/api-key.js';
import type { CredentialKind } from '../../domain/credential-kinds.js';
import type { CursorPosition } from '../../domain/page.js';
import type { TokenType } from '../../domain/token-format.js';
import type { StorageFeatures } from '../dialect/dialect-adapter.js';
import type { ApiKeyRow, ApiKeyUpdate, Database } from '../schema.js';
import { kindFromStored, storedKind } from './stored-credential-kind.js';

export interface KeyListFilter {
  orgId: string;
  kind: CredentialKind;
  status?: KeyStatus;
  projectId?: string;
  environment?: 'live' | 'test';
  createdById?: string;
  ownerUserId?: string;
  /** Case-insensitive name prefix; switches the order to name ascending. */
  search?: string;
  /** The caller's own project restriction: only keys confined within these projects are visible. */
  visibleProjects?: readonly string[] | null;
  now: number;
  limit: number;
  after?: CursorPosition;
}

/**
 * Ids per statement in bulk reads and writes. Fewer, larger statements halve PostgreSQL's round trips and
 * planning for a 10,000-key bulk action (measured about 15% faster than 500); both databases accept far more
 * parameters than this (PostgreSQL 65,535, SQLite 32,766).
 */
const CHUNK = 5000;

/**
 * A key's last-used time lives in key_last_used (migration m005), so the flush never rewrites the wide key row.
 * Read beside the row as a scalar subquery (a primary-key probe) rather than a join: it leaves every query's
 * shape, filters and `FOR UPDATE` as they are, and a key never used reads null.
 */
function lastUsedOf(keysTable: 'api_keys' | 'k') {
  return sql<number | null>`(select lu.last_used_at from key_last_used as lu where lu.key_id = ${sql.ref(`${keysTable}.id`)})`.as('last_used_at');
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toKey(row: ApiKeyRow, projectIds: string[] | null): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: kindFromStored(row.kind),
    tokenType: row.token_type as TokenType,
    name: row.name,
    description: row.description,
    start: row.start,
    permissions: JSON.parse(row.permissions) as string[],
    projectIds,
    ownerUserId: row.owner_user_id,
    createdBy: { type: row.created_by_type as 'user' | 'key' | 'system', id: row.created_by_id },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    enabled: row.enabled === 1,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    metadata: parseJson(row.metadata),
    rateLimit: parseJson(row.rate_limit),
    credits:
      row.credits_remaining === null
        ? null
        : {
            remaining: row.credits_remaining,
            refillAmount: row.credits_refill_amount,
            refillIntervalMs: row.credits_refill_interval_ms,
            refilledAt: row.credits_refilled_at,
          },
    ipRanges: parseJson(row.ip_ranges),
  };
}

/** Columns of a key that a patch may set, in domain terms; the repository owns their encoding. */
export type KeyPatch = Partial<
  Pick<ApiKey, 'name' | 'start' | 'description' | 'permissions' | 'expiresAt' | 'enabled' | 'revokedAt' | 'metadata' | 'rateLimit' | 'credits' | 'ipRanges' | 'updatedAt'>
>;

function toUpdate(patch: KeyPatch): ApiKeyUpdate {
  const update: ApiKeyUpdate = {};
  if (patch.name !== undefined) {
    update.name = patch.name;
    update.name_lower = patch.name.toLowerCase();
  }
  if (patch.start !== undefined) update.start = patch.start;
  if (patch.description !== undefined) update.description = patch.description;
  if (patch.permissions !== undefined) update.permissions = JSON.stringify(patch.permissions);
  if (patch.expiresAt !== undefined) update.expires_at = patch.expiresAt;
  if (patch.enabled !== undefined) update.enabled = patch.enabled ? 1 : 0;
  if (patch.revokedAt !== undefined) update.revoked_at = patch.revokedAt;
  if (patch.metadata !== undefined) update.metadata = patch.metadata === null ? null : JSON.stringify(patch.metadata);
  if (patch.rateLimit !== undefined) update.rate_limit = patch.rateLimit === null ? null : JSON.stringify(patch.rateLimit);
  if (patch.ipRanges !== undefined) update.ip_ranges = patch.ipRanges === null ? null : JSON.stringify(patch.ipRanges);
  if (patch.credits !== undefined) {
    update.credits_remaining = patch.credits?.remaining ?? null;
    update.credits_refill_amount = patch.credits?.refillAmount ?? null;
    update.credits_refill_interval_ms = patch.credits?.refillIntervalMs ?? null;
    update.credits_refilled_at = patch.credits?.refilledAt ?? null;
  }
  if (patch.updatedAt !== undefined) update.updated_at = patch.updatedAt;
  return update;
}

export class KeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
  ) {}

  async insert(key: ApiKey, digest: string): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        org_id: key.orgId,
        kind: storedKind(key.kind),
        token_type: key.tokenType,
        name: key.name,
        name_lower: key.name.toLowerCase(),
        description: key.description,
        start: key.start,
        permissions: JSON.stringify(key.permissions),
        project_restricted: key.projectIds === null ? 0 : 1,
        owner_user_id: key.ownerUserId,
        created_by_type: key.createdBy.type,
        created_by_id: key.createdBy.id,
        created_at: key.createdAt,
        updated_at: key.updatedAt,
        expires_at: key.expiresAt,
        enabled: key.enabled ? 1 : 0,
        revoked_at: key.revokedAt,
        metadata: key.metadata === null ? null : JSON.stringify(key.metadata),
        rate_limit: key.rateLimit === null ? null : JSON.stringify(key.rateLimit),
        credits_remaining: key.credits?.remaining ?? null,
        credits_refill_amount: key.credits?.refillAmount ?? null,
        credits_refill_interval_ms: key.credits?.refillIntervalMs ?? null,
        credits_refilled_at: key.credits?.refilledAt ?? null,
        ip_ranges: key.ipRanges === null ? null : JSON.stringify(key.ipRanges),
      })
      .execute();
    await this.replaceProjects(key.orgId, key.id, key.projectIds);
    await this.addSecret(key.orgId, key.id, digest, key.createdAt);
  }

  async replaceProjects(orgId: string, keyId: string, projectIds: readonly string[] | null): Promise<void> {
    await this.db.deleteFrom('api_key_projects').where('key_id', '=', keyId).execute();
    await this.db
      .updateTable('api_keys')
      .set({ project_restricted: projectIds === null ? 0 : 1 })
      .where('id', '=', keyId)
      .where('org_id', '=', orgId)
      .execute();
    if (projectIds && projectIds.length > 0) {
      await this.db
        .insertInto('api_key_projects')
        .values(projectIds.map((projectId) => ({ key_id: keyId, project_id: projectId, org_id: orgId })))
        .execute();
    }
  }

  async addSecret(orgId: string, keyId: string, digest: string, now: number): Promise<void> {
    await this.addSecrets(orgId, [{ keyId, digest }], now);
  }

  async addSecrets(orgId: string, secrets: ReadonlyArray<{ keyId: string; digest: string }>, now: number): Promise<void> {
    for (let i = 0; i < secrets.length; i += CHUNK) {
      await this.db
        .insertInto('key_secrets')
        .values(secrets.slice(i, i + CHUNK).map((s) => ({ digest: s.digest, key_id: s.keyId, org_id: orgId, created_at: now, expires_at: null })))
        .execute();
    }
  }

  /** Ends the current secrets of keys: at `expiresAt` (a roll's grace period) or at once (deleted). */
  async retireSecrets(keyIds: readonly string[], expiresAt: number | null): Promise<void> {
    for (let i = 0; i < keyIds.length; i += CHUNK) {
      const chunk = keyIds.slice(i, i + CHUNK);
      if (expiresAt === null) {
        await this.db.deleteFrom('key_secrets').where('key_id', 'in', chunk).execute();
      } else {
        await this.db
          .updateTable('key_secrets')
          .set((eb) => ({ expires_at: eb.fn.coalesce('expires_at', sql.lit(expiresAt)) }))
          .where('key_id', 'in', chunk)
          .execute();
        // A secret already in grace keeps the earlier of its own end and the new one.
        await this.db.updateTable('key_secrets').set({ expires_at: expiresAt }).where('key_id', 'in', chunk).where('expires_at', '>', expiresAt).execute();
      }
    }
  }

  async findById(orgId: string, id: string, kind?: CredentialKind): Promise<ApiKey | null> {
    let query = this.db.selectFrom('api_keys').selectAll().select(lastUsedOf('api_keys')).where('org_id', '=', orgId).where('id', '=', id);
    if (kind) query = query.where('kind', '=', storedKind(kind));
    const row = await query.executeTakeFirst();
    if (!row) return null;
    return toKey(row, row.project_restricted ? await this.projectIdsOf(row.id) : null);
  }

  async findManyByIds(orgId: string, ids: readonly string[], kind: CredentialKind): Promise<ApiKey[]> {
    const keys: ApiKey[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      // Kind is checked here rather than in SQL: an extra equality would steer SQLite onto the (org_id, kind, …)
      // indexes and a scan of the whole organization instead of the (org_id, id) lookups.
      const rows = await this.db.selectFrom('api_keys').selectAll().select(lastUsedOf('api_keys')).where('org_id', '=', orgId).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      keys.push(...(await this.withProjects(rows.filter((row) => row.kind === storedKind(kind)))));
    }
    return keys;
  }

  /**
   * Reads keys that are about to change and holds their rows until the transaction ends, so a concurrent change
   * waits and then sees this one (and this one sees everything committed before it). Rows are locked in id order,
   * so two bulk actions over overlapping keys cannot deadlock. Inside a transaction only.
   */
  async findManyForUpdate(orgId: string, ids: readonly string[], kind: CredentialKind): Promise<ApiKey[]> {
    const sorted = [...new Set(ids)].sort();
    const keys: ApiKey[] = [];
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('api_keys')
        .selectAll()
        .select(lastUsedOf('api_keys'))
        .where('org_id', '=', orgId)
        .where('id', 'in', sorted.slice(i, i + CHUNK))
        .orderBy('id')
        .$if(this.features.rowLocks, (q) => q.forUpdate())
        .execute();
      // Project links are read after the lock, so they are the latest committed ones.
      keys.push(...(await this.withProjects(rows.filter((row) => row.kind === storedKind(kind)))));
    }
    return keys;
  }

  async findByIdForUpdate(orgId: string, id: string, kind: CredentialKind): Promise<ApiKey | null> {
    return (await this.findManyForUpdate(orgId, [id], kind))[0] ?? null;
  }

  /** The cold half of verification: one indexed lookup from secret digest to key. */
  async findByDigest(digest: string): Promise<{ key: ApiKey; secretExpiresAt: number | null } | null> {
    const row = await this.db
      .selectFrom('key_secrets as s')
      .innerJoin('api_keys as k', 'k.id', 's.key_id')
      .selectAll('k')
      .select(lastUsedOf('k'))
      .select('s.expires_at as secret_expires_at')
      .where('s.digest', '=', digest)
      .executeTakeFirst();
    if (!row) return null;
    const { secret_expires_at, ...keyRow } = row;
    return { key: toKey(keyRow, keyRow.project_restricted ? await this.projectIdsOf(keyRow.id) : null), secretExpiresAt: secret_expires_at };
  }

  async list(filter: KeyListFilter): Promise<ApiKey[]> {
    let query = this.db.selectFrom('api_keys').selectAll().select(lastUsedOf('api_keys')).where('org_id', '=', filter.orgId).where('kind', '=', storedKind(filter.kind));
    query = this.applyFilters(query, filter);
    if (filter.search !== undefined) {
      // A range over the bytewise-collated lowercase name is a prefix match that walks the (org, kind, name)
      // index on both databases; LIKE would need escaping and, on PostgreSQL, a special operator class.
      const lower = filter.search.toLowerCase();
      query = query.where('name_lower', '>=', lower).where('name_lower', '<', `${lower}\u{10FFFF}`);
      if (filter.after) {
        const { value, id } = filter.after;
        query = query.where((eb) => eb.or([eb('name_lower', '>', String(value)), eb.and([eb('name_lower', '=', String(value)), eb('id', '>', id)])]));
      }
      query = query.orderBy('name_lower', 'asc').orderBy('id', 'asc');
    } else {
      if (filter.after) {
        const value = Number(filter.after.value);
        const { id } = filter.after;
        query = query.where((eb) => eb.or([eb('created_at', '<', value), eb.and([eb('created_at', '=', value), eb('id', '<', id)])]));
      }
      query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    }
    const rows = await query.limit(filter.limit).execute();
    return this.withProjects(rows);
  }

  private applyFilters(
    query: SelectQueryBuilder<Database, 'api_keys', ApiKeyRow>,
    filter: KeyListFilter,
  ): SelectQueryBuilder<Database, 'api_keys', ApiKeyRow> {
    let q = query;
    const now = filter.now;
    switch (filter.status) {
      case 'revoked':
        q = q.where('revoked_at', 'is not', null);
        break;
      case 'expired':
        q = q.where('revoked_at', 'is', null).where('expires_at', '<=', now);
        break;
      case 'disabled':
        q = q.where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).where('enabled', '=', 0);
        break;
      case 'active':
        q = q.where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).where('enabled', '=', 1);
        break;
      default:
        break;
    }
    // A read-only (`ro`) key is a live key whose secret says it only reads.
    if (filter.environment) q = q.where('token_type', 'in', filter.environment === 'live' ? ['live', 'ro'] : ['test']);
    if (filter.createdById) q = q.where('created_by_id', '=', filter.createdById);
    if (filter.ownerUserId !== undefined) q = q.where('owner_user_id', '=', filter.ownerUserId);
    if (filter.projectId) {
      const projectId = filter.projectId;
      q = q.where((eb) =>
        eb.or([
          eb('project_restricted', '=', 0),
          eb.exists(eb.selectFrom('api_key_projects as kp').select('kp.key_id').whereRef('kp.key_id', '=', 'api_keys.id').where('kp.project_id', '=', projectId)),
        ]),
      );
    }
    if (filter.visibleProjects) {
      const visible = filter.visibleProjects;
      q = q.where('project_restricted', '=', 1);
      q = q.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('api_key_projects as kp')
              .select('kp.key_id')
              .whereRef('kp.key_id', '=', 'api_keys.id')
              .$if(visible.length > 0, (sq) => sq.where('kp.project_id', 'not in', visible)),
          ),
        ),
      );
    }
    return q;
  }

  private async projectIdsOf(keyId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('api_key_projects').select('project_id').where('key_id', '=', keyId).orderBy('project_id').execute();
    return rows.map((r) => r.project_id);
  }

  private async withProjects(rows: ApiKeyRow[]): Promise<ApiKey[]> {
    const restricted = rows.filter((r) => r.project_restricted).map((r) => r.id);
    const byKey = new Map<string, string[]>();
    for (let i = 0; i < restricted.length; i += CHUNK) {
      const links = await this.db
        .selectFrom('api_key_projects')
        .select(['key_id', 'project_id'])
        .where('key_id', 'in', restricted.slice(i, i + CHUNK))
        .orderBy('project_id')
        .execute();
      for (const link of links) {
        const list = byKey.get(link.key_id) ?? [];
        list.push(link.project_id);
        byKey.set(link.key_id, list);
      }
    }
    return rows.map((row) => toKey(row, row.project_restricted ? (byKey.get(row.id) ?? []) : null));
  }

  async update(orgId: string, id: string, patch: KeyPatch): Promise<void> {
    const update = toUpdate(patch);
    if (Object.keys(update).length === 0) return;
    await this.db.updateTable('api_keys').set(update).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async updateMany(orgId: string, ids: readonly string[], patch: KeyPatch): Promise<void> {
    const update = toUpdate(patch);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db.updateTable('api_keys').set(update).where('org_id', '=', orgId).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    }
  }

  /**
   * Usage rows have no foreign key on PostgreSQL (m009), so they are deleted here, under the usage lock taken
   * exclusive: a flush that already joined these keys commits first, and a later one no longer finds them. Run it
   * in a transaction.
   */
  async deleteMany(orgId: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0 && this.features.usageLock) await this.features.usageLock('exclusive').execute(this.db);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // Children first: SQLite enforces the foreign keys too, and explicit deletes do not rely on cascades.
      await this.db.deleteFrom('key_secrets').where('key_id', 'in', chunk).execute();
      await this.db.deleteFrom('api_key_projects').where('key_id', 'in', chunk).execute();
      await this.db.deleteFrom('key_usage').where('key_id', 'in', chunk).execute();
      await this.db.deleteFrom('key_last_used').where('key_id', 'in', chunk).execute();
      await this.db.deleteFrom('api_keys').where('org_id', '=', orgId).where('id', 'in', chunk).execute();
    }
  }

  /** Ids of every live personal token a user holds in an organization, for cache invalidation on role changes. */
  async personalKeyIdsOf(orgId: string, userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('api_keys').select('id').where('org_id', '=', orgId).where('owner_user_id', '=', userId).execute();
    return rows.map((r) => r.id);
  }

  /** Keys restricted to a project, for the cascade when the project goes away. */
  async keyIdsRestrictedTo(projectId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('api_key_projects').select('key_id').where('project_id', '=', projectId).execute();
    return rows.map((r) => r.key_id);
  }

  /**
   * Spends one credit atomically, refilling first when the refill interval has passed. Returns the credits left
   * after spending, or null when none were left. A single conditional UPDATE means concurrent verifications,
   * on one instance or many, can never spend the same credit twice or drive the count below zero.
   */
  async consumeCredit(keyId: string, now: number, cost = 1): Promise<number | null> {
    const row = await this.db
      .updateTable('api_keys')
      .set({
        credits_remaining: sql<number>`case when credits_refill_interval_ms is not null and credits_refilled_at + credits_refill_interval_ms <= ${now} then credits_refill_amount - ${cost} else credits_remaining - ${cost} end`,
        credits_refilled_at: sql<number>`case when credits_refill_interval_ms is not null and credits_refilled_at + credits_refill_interval_ms <= ${now} then ${now} else credits_refilled_at end`,
      })
      .where('id', '=', keyId)
      .where('credits_remaining', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('credits_remaining', '>=', cost),
          eb.and([
            eb('credits_refill_interval_ms', 'is not', null),
            eb(sql<number>`credits_refilled_at + credits_refill_interval_ms`, '<=', now),
            eb('credits_refill_amount', '>=', cost),
          ]),
        ]),
      )
      .returning('credits_remaining')
      .executeTakeFirst();
    return row ? row.credits_remaining : null;
  }
}
