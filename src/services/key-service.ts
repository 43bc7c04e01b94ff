import type { ApiKey, KeyStatus } from '../domain/api-key.js';
import { AppError } from '../domain/app-error.js';
import type { CredentialEvent } from '../domain/audit-actions.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { parseCidr } from '../domain/cidr.js';
import type { CredentialKindPolicy } from '../domain/credential-kind-policy.js';
import { CREDENTIAL_KINDS, type CredentialKind } from '../domain/credential-kinds.js';
import { assertMayActOn, assertWithinGrant, limitsOf } from '../domain/grant-limits.js';
import { newId } from '../domain/ids.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import { coveredByAny } from '../domain/permission-pattern.js';
import { type CredentialLimits, type Principal, principalCan } from '../domain/principal.js';
import { requirePermission } from '../domain/require-permission.js';
import { visibleTo } from '../domain/visible-to.js';
import { displayStart, generateToken } from '../domain/token-format.js';
import type { Repositories } from '../storage/repositories.js';
import { auditEvent } from './audit-event.js';
import { futureTime, parseInstant, resolveExpiry } from './expiry.js';
import { type BulkAction, type CreateKeyInput, toCredits, type UpdateKeyInput } from './key-input.js';
import type { PermissionCatalog } from './permission-catalog.js';
import type { RequestMeta } from './request-meta.js';
import type { ServiceContext } from './service-context.js';

export interface KeyListQuery {
  limit: number;
  cursor?: string;
  search?: string;
  status?: KeyStatus;
  projectId?: string;
  environment?: 'live' | 'test';
  createdBy?: string;
  /** Personal tokens: list every member's (needs latchkey:tokens:admin) instead of the caller's own. */
  all?: boolean;
}

export interface KeyWithSecret {
  key: ApiKey;
  secret: string;
}

export interface BulkResult {
  id: string;
  outcome: 'revoked' | 'deleted' | 'regenerated' | 'enabled' | 'disabled' | 'unchanged';
  secret?: string;
}

export type UsageGranularity = 'hour' | 'day';

export interface UsageSeries {
  granularity: UsageGranularity;
  /** Only buckets with at least one call, oldest first; `start` is epoch milliseconds. */
  buckets: Array<{ start: number; counts: Record<string, number> }>;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MAX_GRACE_MS = 30 * DAY;
const MAX_IP_RANGES = 100;
const MAX_METADATA_DEPTH = 32;

/**
 * The whole life of a credential of one kind (organization keys, personal tokens). Every kind shares these
 * rules; what differs (who may create one, who sees it, what bounds it, how it is named) is its policy in the
 * credential-kind registry, so this class never asks which kind it serves.
 */
export class KeyService {
  private readonly policy: CredentialKindPolicy;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly catalog: PermissionCatalog,
    readonly kind: CredentialKind,
  ) {
    this.policy = CREDENTIAL_KINDS[kind];
  }

  private get perms() {
    return this.policy.permissions;
  }

  private get target() {
    return this.policy.noun;
  }

  async create(principal: Principal, input: CreateKeyInput, meta: RequestMeta): Promise<KeyWithSecret> {
    requirePermission(principal, this.perms.write);
    this.policy.assertMayCreate(principal);
    const now = this.ctx.now();
    const orgId = principal.orgId;
    const inherited = input.permissions === undefined ? this.policy.inheritedPermissions(principal) : null;
    const inherit = inherited !== null;
    const permissions = inherited !== null ? [...inherited] : await this.catalog.validate(orgId, input.permissions ?? []);
    const projectIds = requestedProjects(principal, input.projectIds ?? null);
    const expiresAt = resolveExpiry(input, now);
    validateExtras(input, this.ctx.config.metadataMaxBytes);

    const tokenType = this.policy.tokenType(input.environment, permissions);
    const secret = generateToken(this.ctx.config.tokenFormat, tokenType);
    const description = input.description ?? '';
    const key: ApiKey = {
      id: newId('key'),
      orgId,
      kind: this.kind,
      tokenType,
      name: input.name ?? (description.slice(0, 100) || this.policy.defaultName),
      description,
      start: displayStart(secret),
      permissions,
      projectIds,
      ownerUserId: this.policy.ownerOf(principal),
      createdBy: principal.kind === 'session' ? { type: 'user', id: principal.userId! } : { type: 'key', id: principal.keyId! },
      createdAt: now,
      updatedAt: now,
      expiresAt,
      enabled: input.enabled ?? true,
      revokedAt: null,
      lastUsedAt: null,
      metadata: input.metadata ?? null,
      rateLimit: input.rateLimit ?? null,
      credits: toCredits(input.credits, now),
      ipRanges: input.ipRanges && input.ipRanges.length > 0 ? input.ipRanges : null,
    };
    await this.ctx.storage.transaction(
      async (tx) => {
        // Inside the transaction, under a share lock: a project deleted meanwhile is unknown here, and one deleted
        // after this commits sees this key and narrows or revokes it.
        await lockProjects(tx, orgId, projectIds);
        assertWithinGrant(principal, { permissions: inherit ? [] : permissions, projectIds, expiresAt, limits: limitsOf(key) });
        await tx.keys.insert(key, this.ctx.digest(secret));
        await tx.audit.insertMany([auditEvent(orgId, principal, `${this.target}.created`, { type: this.target, id: key.id }, meta, now, createdKeySummary(key))]);
      },
      () => new AppError('NAME_TAKEN', { message: 'An active key with that name already exists.', details: { field: 'name' } }),
    );
    return { key, secret };
  }

  async get(principal: Principal, id: string): Promise<ApiKey> {
    requirePermission(principal, this.perms.read);
    return this.ctx.storage.run((repos) => this.load(repos, principal, id));
  }

  async list(principal: Principal, query: KeyListQuery): Promise<Page<ApiKey>> {
    requirePermission(principal, this.perms.read);
    if (query.all) requirePermission(principal, this.perms.admin);
    const listScope = this.policy.listScope(principal, !!query.all, principalCan(principal, this.perms.admin));
    if (listScope === 'none') return { items: [], nextCursor: null };
    const ownerUserId = listScope === 'all' ? undefined : listScope.ownerUserId;
    const scope = JSON.stringify([this.kind, query.search ?? null, query.status ?? null, query.projectId ?? null, query.environment ?? null, query.createdBy ?? null, !!query.all]);
    const byName = query.search !== undefined && query.search !== '';
    const cursorKey = await this.ctx.cursorKey();
    const after = query.cursor ? decodeCursor(query.cursor, scope, cursorKey) : undefined;
    // Signed, so only this listing minted it; checked anyway so a leaked key cannot mix sorts.
    if (after && (byName ? after.sort !== 'name' || typeof after.value !== 'string' : after.sort !== 'created' || typeof after.value !== 'number')) {
      throw new AppError('INVALID_CURSOR');
    }
    const rows = await this.ctx.storage.run((repos) => repos.keys.list({
      orgId: principal.orgId,
      kind: this.kind,
      ...(query.status ? { status: query.status } : {}),
      ...(query.projectId ? { projectId: query.projectId } : {}),
      ...(query.environment ? { environment: query.environment } : {}),
      ...(query.createdBy ? { createdById: query.createdBy } : {}),
      ...(ownerUserId !== undefined ? { ownerUserId } : {}),
      ...(byName ? { search: query.search! } : {}),
      visibleProjects: principal.projectIds,
      now: this.ctx.now(),
      limit: query.limit + 1,
      ...(after ? { after } : {}),
    }));
    return pageFrom(
      rows,
      query.limit,
      scope,
      cursorKey,
      (last) => (byName ? { sort: 'name', value: last.name.toLowerCase(), id: last.id } : { sort: 'created', value: last.createdAt, id: last.id }),
      (key) => key,
    );
  }

  /**
   * Calls with one key per hour or per UTC day and outcome code, since `since` (default: the last day of hours or
   * the last 30 days). Counts still gathering in memory are flushed first so the answer includes the latest calls.
   */
  async usage(principal: Principal, id: string, granularity: UsageGranularity, since: string | undefined): Promise<UsageSeries> {
    requirePermission(principal, this.perms.read);
    await this.ctx.storage.run((repos) => this.load(repos, principal, id));
    const unit = granularity === 'day' ? DAY : HOUR;
    const from = since === undefined ? this.ctx.now() - (granularity === 'day' ? 30 * DAY : DAY) : parseInstant(since, 'since');
    await this.ctx.usage.flush();
    const points = await this.ctx.storage.run((repos) => repos.usage.series(principal.orgId, id, Math.floor(from / unit) * unit));
    const buckets = new Map<number, Record<string, number>>();
    for (const point of points) {
      // Stored buckets are hours; epoch days are UTC days, so a day is the sum of its 24 hours.
      const start = Math.floor(point.bucket / unit) * unit;
      const counts = buckets.get(start) ?? {};
      counts[point.code] = (counts[point.code] ?? 0) + Number(point.count);
      buckets.set(start, counts);
    }
    return { granularity, buckets: [...buckets].sort(([a], [b]) => a - b).map(([start, counts]) => ({ start, counts })) };
  }

  async update(principal: Principal, id: string, input: UpdateKeyInput, meta: RequestMeta): Promise<ApiKey> {
    requirePermission(principal, this.perms.write);
    const now = this.ctx.now();
    // Catalog and project lookups run before the transaction: they use the shared connection, which on SQLite
    // is the very one the transaction holds, so inside it they would wait forever.
    const permissions = input.permissions !== undefined ? await this.catalog.validate(principal.orgId, input.permissions) : undefined;
    const projectIds = input.projectIds !== undefined ? requestedProjects(principal, input.projectIds) : undefined;
    const expiresAt = input.expiresAt === undefined || input.expiresAt === null ? input.expiresAt : futureTime(input.expiresAt, now);
    validateExtras(input, this.ctx.config.metadataMaxBytes);
    const updated = await this.ctx.storage.transaction(
      async (tx) => {
        // Projects before the key: every path that locks both (this one, project deletion) takes them in that
        // order, so they cannot deadlock.
        if (projectIds !== undefined) await lockProjects(tx, principal.orgId, projectIds);
        // Read and checked under the key's row lock, so a revocation or another change committed meanwhile is seen.
        const key = await this.loadForUpdate(tx, principal, id);
        if (key.revokedAt !== null) throw new AppError('KEY_REVOKED');
        // Expiry is terminal, like revocation: moving it would bring the key back to life.
        if (input.expiresAt !== undefined && key.expiresAt !== null && key.expiresAt <= now) {
          throw new AppError('KEY_EXPIRED', { details: { field: 'expiresAt' } });
        }
        const actor = this.assertMayActOn(principal, key);
        const patch: Partial<ApiKey> = {};
        if (permissions !== undefined) {
          const widened = permissions.filter((p) => !coveredByAny(key.permissions, p));
          if (widened.length > 0) {
            throw new AppError('PERMISSION_ESCALATION', { message: 'Permissions can only be narrowed; create a new key to grant more.', details: { permissions: widened } });
          }
          patch.permissions = permissions;
        }
        if (projectIds !== undefined) {
          const widens = projectIds === null ? key.projectIds !== null : key.projectIds !== null && projectIds.some((p) => !key.projectIds!.includes(p));
          if (widens) {
            throw new AppError('PERMISSION_ESCALATION', { message: 'Projects can only be narrowed; create a new key to reach more.', details: { field: 'projectIds' } });
          }
        }
        if (expiresAt !== undefined) patch.expiresAt = expiresAt;
        if (input.rateLimit !== undefined) patch.rateLimit = input.rateLimit;
        if (input.credits !== undefined) patch.credits = toCredits(input.credits, now);
        if (input.ipRanges !== undefined) patch.ipRanges = input.ipRanges && input.ipRanges.length > 0 ? input.ipRanges : null;
        // The key as it will be must lie within the caller too; limits only where this change sets them (the
        // others are the key's own, which the caller already holds).
        const changedLimits: Partial<CredentialLimits> = {};
        const after = limitsOf({ ...key, ...patch });
        if (patch.ipRanges !== undefined) changedLimits.ipRanges = after.ipRanges;
        if (patch.credits !== undefined) changedLimits.credits = after.credits;
        if (patch.rateLimit !== undefined) changedLimits.rateLimit = after.rateLimit;
        assertWithinGrant(actor, {
          permissions: patch.permissions ?? [],
          projectIds: projectIds !== undefined ? projectIds : key.projectIds,
          expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : key.expiresAt,
          limits: changedLimits,
        });
        if (input.name !== undefined) patch.name = input.name;
        if (input.description !== undefined) patch.description = input.description;
        if (input.enabled !== undefined) patch.enabled = input.enabled;
        if (input.metadata !== undefined) patch.metadata = input.metadata;
        patch.updatedAt = now;
        await tx.keys.update(principal.orgId, id, patch);
        if (projectIds !== undefined) await tx.keys.replaceProjects(principal.orgId, id, projectIds);
        const changed = [...Object.keys(patch).filter((k) => k !== 'updatedAt'), ...(projectIds !== undefined ? ['projectIds'] : [])];
        await tx.audit.insertMany([auditEvent(principal.orgId, principal, `${this.target}.updated`, { type: this.target, id }, meta, now, { changed })]);
        tx.invalidations.record({ type: 'keys', keyIds: [id] });
        return { ...key, ...patch, ...(projectIds !== undefined ? { projectIds } : {}) };
      },
      () => new AppError('NAME_TAKEN', { message: 'An active key with that name already exists.', details: { field: 'name' } }),
    );
    return updated;
  }

  async setEnabled(principal: Principal, id: string, enabled: boolean, meta: RequestMeta): Promise<ApiKey> {
    await this.bulk(principal, enabled ? 'enable' : 'disable', [id], 0, meta);
    return this.get(principal, id);
  }

  async revoke(principal: Principal, id: string, meta: RequestMeta): Promise<ApiKey> {
    await this.bulk(principal, 'revoke', [id], 0, meta);
    return this.get(principal, id);
  }

  async remove(principal: Principal, id: string, meta: RequestMeta): Promise<void> {
    await this.bulk(principal, 'delete', [id], 0, meta);
  }

  async regenerate(principal: Principal, id: string, graceMs: number, meta: RequestMeta): Promise<KeyWithSecret> {
    const [result] = await this.bulk(principal, 'regenerate', [id], graceMs, meta);
    return { key: await this.get(principal, id), secret: result!.secret! };
  }

  /**
   * Applies one action to many keys in a single transaction: every id must name a visible key, and any refusal
   * leaves all of them as they were. Caches are invalidated after commit and before the response.
   */
  async bulk(principal: Principal, action: BulkAction, ids: readonly string[], graceMs: number, meta: RequestMeta): Promise<BulkResult[]> {
    requirePermission(principal, this.perms.write);
    const unique = [...new Set(ids)];
    if (unique.length > this.ctx.config.bulkMax) {
      throw new AppError('BULK_LIMIT_EXCEEDED', { details: { max: this.ctx.config.bulkMax, given: unique.length } });
    }
    if (graceMs < 0 || graceMs > MAX_GRACE_MS) {
      throw new AppError('VALIDATION_FAILED', { message: 'The grace period must be between 0 and 30 days.', details: { field: 'gracePeriodSeconds' } });
    }
    const now = this.ctx.now();
    const orgId = principal.orgId;
    const results = await this.ctx.storage.transaction(async (tx) => {
      // Read under row locks: a concurrent change to any of these keys has either committed (and is seen here)
      // or waits for this one.
      const found = await tx.keys.findManyForUpdate(orgId, unique, this.kind);
      const byId = new Map(found.filter((k) => this.canSee(principal, k)).map((k) => [k.id, k]));
      const missing = unique.filter((id) => !byId.has(id));
      if (missing.length > 0) throw new AppError('NOT_FOUND', { details: { ids: missing } });
      const keys = unique.map((id) => byId.get(id)!);
      if (action !== 'revoke' && action !== 'delete') {
        const revoked = keys.filter((k) => k.revokedAt !== null).map((k) => k.id);
        if (revoked.length > 0) throw new AppError('KEY_REVOKED', { details: { ids: revoked } });
      }
      for (const k of keys) this.assertMayActOn(principal, k);
      const events: AuditEvent[] = [];
      const results: BulkResult[] = [];
      const event = (name: CredentialEvent, id: string, details?: Record<string, unknown>) =>
        events.push(auditEvent(orgId, principal, `${this.target}.${name}`, { type: this.target, id }, meta, now, details));

      if (action === 'revoke') {
        const live = keys.filter((k) => k.revokedAt === null).map((k) => k.id);
        await tx.keys.updateMany(orgId, live, { revokedAt: now, updatedAt: now });
        for (const k of keys) {
          const changed = k.revokedAt === null;
          if (changed) event('revoked', k.id);
          results.push({ id: k.id, outcome: changed ? 'revoked' : 'unchanged' });
        }
      } else if (action === 'delete') {
        await tx.keys.deleteMany(orgId, unique);
        for (const k of keys) {
          event('deleted', k.id, { name: k.name, start: k.start });
          results.push({ id: k.id, outcome: 'deleted' });
        }
      } else if (action === 'enable' || action === 'disable') {
        const enabled = action === 'enable';
        const changing = keys.filter((k) => k.enabled !== enabled).map((k) => k.id);
        await tx.keys.updateMany(orgId, changing, { enabled, updatedAt: now });
        for (const k of keys) {
          const changed = k.enabled !== enabled;
          if (changed) event(enabled ? 'enabled' : 'disabled', k.id);
          results.push({ id: k.id, outcome: changed ? (enabled ? 'enabled' : 'disabled') : 'unchanged' });
        }
      } else {
        for (const k of keys) this.assertMayReceiveSecret(principal, k);
        // An expired key may be rolled (its expiry stays: the new secret is as expired as the key).
        const byGraceEnd = new Map<number | null, string[]>();
        for (const k of keys) {
          // A grace period never outlives the key itself.
          const graceEnd = graceMs > 0 ? Math.min(now + graceMs, k.expiresAt ?? Number.MAX_SAFE_INTEGER) : null;
          const group = byGraceEnd.get(graceEnd) ?? [];
          group.push(k.id);
          byGraceEnd.set(graceEnd, group);
        }
        for (const [graceEnd, group] of byGraceEnd) await tx.keys.retireSecrets(group, graceEnd);
        const fresh = keys.map((k) => ({ k, secret: generateToken(this.ctx.config.tokenFormat, k.tokenType) }));
        await tx.keys.addSecrets(orgId, fresh.map(({ k, secret }) => ({ keyId: k.id, digest: this.ctx.digest(secret) })), now);
        for (const { k, secret } of fresh) {
          await tx.keys.update(orgId, k.id, { updatedAt: now, start: displayStart(secret) });
          event('regenerated', k.id, { gracePeriodSeconds: Math.round(graceMs / 1000) });
          results.push({ id: k.id, outcome: 'regenerated', secret });
        }
      }
      await tx.audit.insertMany(events);
      tx.invalidations.record({ type: 'keys', keyIds: unique });
      return results;
    });
    return results;
  }

  /**
   * Regenerating hands the caller a working secret for the key, so it is bounded like minting one: always within
   * the caller's own grant (assertMayActOn, which every action on a key has already passed), and further as the
   * kind says (a personal token only by its own user). Without this a key allowed only `latchkey:keys:write`
   * could roll the owner key and walk away with `*`.
   */
  private assertMayReceiveSecret(principal: Principal, key: ApiKey): void {
    this.policy.assertMayReceiveSecret(principal, key);
  }

  /**
   * Every change to an existing key (update, enable, disable, revoke, delete, regenerate, alone or in bulk) needs a
   * caller that holds at least what the key holds; otherwise a key allowed only `latchkey:keys:write` could switch
   * off or delete the owner's `*` key. A key may always act on itself. Returns the principal whose grant bounds the
   * change, for checking the key as it will be.
   */
  private assertMayActOn(principal: Principal, key: ApiKey): Principal {
    const actor = this.policy.boundingActor(principal, key);
    if (key.id !== principal.keyId) assertMayActOn(actor, key);
    return actor;
  }

  private canSee(principal: Principal, key: ApiKey): boolean {
    if (!visibleTo(principal, key)) return false;
    return this.policy.visibleToHolder(principal, key, principalCan(principal, this.perms.admin));
  }

  private async load(repos: Repositories, principal: Principal, id: string): Promise<ApiKey> {
    const key = await repos.keys.findById(principal.orgId, id, this.kind);
    if (!key || !this.canSee(principal, key)) throw new AppError('NOT_FOUND');
    return key;
  }

  private async loadForUpdate(tx: Repositories, principal: Principal, id: string): Promise<ApiKey> {
    const key = await tx.keys.findByIdForUpdate(principal.orgId, id, this.kind);
    if (!key || !this.canSee(principal, key)) throw new AppError('NOT_FOUND');
    return key;
  }
}

/**
 * A key's requested project list, de-duplicated and sorted. A project-restricted caller learns nothing about
 * projects outside its own: any other id, of this organization or not, is answered exactly like an id that does
 * not exist (400 UNKNOWN_PROJECT, listed the same way), before anything is looked up.
 */
function requestedProjects(principal: Principal, projectIds: readonly string[] | null): string[] | null {
  if (projectIds === null) return null;
  const unique = [...new Set(projectIds)];
  if (unique.length === 0) {
    throw new AppError('VALIDATION_FAILED', { message: 'Give at least one project, or null for all projects.', details: { field: 'projectIds' } });
  }
  const own = principal.projectIds;
  const outside = own === null ? [] : unique.filter((id) => !own.includes(id));
  if (outside.length > 0) throw new AppError('UNKNOWN_PROJECT', { details: { projectIds: outside } });
  return unique.sort();
}

/** Checks inside the transaction that the projects exist, holding them so none is deleted until it commits. */
async function lockProjects(tx: Repositories, orgId: string, projectIds: readonly string[] | null): Promise<void> {
  if (projectIds === null) return;
  const existing = new Set(await tx.projects.lockExisting(orgId, projectIds, 'share'));
  const unknown = projectIds.filter((id) => !existing.has(id));
  if (unknown.length > 0) throw new AppError('UNKNOWN_PROJECT', { details: { projectIds: unknown } });
}

function validateExtras(input: CreateKeyInput | UpdateKeyInput, metadataMaxBytes: number): void {
  // Depth first: a body of a few kilobytes can nest deeply enough to overflow the stack of JSON.stringify.
  if (input.metadata != null && nestsDeeperThan(input.metadata, MAX_METADATA_DEPTH)) {
    throw new AppError('VALIDATION_FAILED', { message: `metadata may nest at most ${MAX_METADATA_DEPTH} levels.`, details: { field: 'metadata' } });
  }
  if (input.metadata != null && Buffer.byteLength(JSON.stringify(input.metadata)) > metadataMaxBytes) {
    throw new AppError('VALIDATION_FAILED', { message: `metadata must be at most ${metadataMaxBytes} bytes as JSON.`, details: { field: 'metadata' } });
  }
  if (input.ipRanges) {
    if (input.ipRanges.length > MAX_IP_RANGES) {
      throw new AppError('VALIDATION_FAILED', { message: `At most ${MAX_IP_RANGES} IP ranges.`, details: { field: 'ipRanges' } });
    }
    const bad = input.ipRanges.filter((r) => parseCidr(r) === null);
    if (bad.length > 0) throw new AppError('VALIDATION_FAILED', { message: 'An IP range is not valid CIDR.', details: { field: 'ipRanges', ipRanges: bad } });
  }
  const credits = input.credits;
  if (credits && (credits.refillAmount == null) !== (credits.refillIntervalMs == null)) {
    throw new AppError('VALIDATION_FAILED', { message: 'Give both refillAmount and refillIntervalMs, or neither.', details: { field: 'credits' } });
  }
}

/** Walks parsed JSON without recursion, so the check itself cannot overflow the stack. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/** What a `key.created` / `token.created` audit event records; first-run setup writes the same for the owner key. */
export function createdKeySummary(key: ApiKey): Record<string, unknown> {
  return { name: key.name, start: key.start, permissions: key.permissions, projectIds: key.projectIds, expiresAt: key.expiresAt };
}
