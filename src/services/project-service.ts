import type { ApiKey } from '../domain/api-key.js';
import { AppError } from '../domain/app-error.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { newId } from '../domain/ids.js';
import { CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS } from '../domain/credential-kinds.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import { type Principal, principalSeesProject } from '../domain/principal.js';
import type { Project as StoredProject } from '../domain/project.js';
import type { Repositories } from '../storage/repositories.js';
import { auditEvent } from './audit-event.js';
import { requirePermission } from '../domain/require-permission.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

/** A project as the API shows it: the organization is the caller's own, so it is left out. */
export type Project = Omit<StoredProject, 'orgId'>;

export interface ProjectListQuery {
  limit: number;
  cursor?: string;
  search?: string;
}

const READ = 'latchkey:projects:read';
const WRITE = 'latchkey:projects:write';

function nameTaken(): AppError {
  return new AppError('NAME_TAKEN', { message: 'A project with that name already exists.', details: { field: 'name' } });
}

function toProject({ orgId: _orgId, ...project }: StoredProject): Project {
  return project;
}

/**
 * Projects partition an organization's keys. A project-restricted caller sees only its own projects; any
 * other id answers exactly like one that does not exist.
 */
export class ProjectService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(principal: Principal, query: ProjectListQuery): Promise<Page<Project>> {
    requirePermission(principal, READ);
    const search = query.search || undefined;
    const scope = JSON.stringify(['projects', search ?? null]);
    const cursorKey = await this.ctx.cursorKey();
    const after = query.cursor ? decodeCursor(query.cursor, scope, cursorKey) : undefined;
    const rows = await this.ctx.storage.run((repos) =>
      repos.projects.list(principal.orgId, {
        limit: query.limit + 1,
        only: principal.projectIds,
        ...(search ? { search } : {}),
        ...(after ? { after } : {}),
      }),
    );
    return pageFrom(rows, query.limit, scope, cursorKey, (last) => ({ sort: 'name', value: last.name, id: last.id }), toProject);
  }

  async get(principal: Principal, id: string): Promise<Project> {
    requirePermission(principal, READ);
    return toProject(await this.ctx.storage.run((repos) => this.load(repos, principal, id)));
  }

  async create(principal: Principal, input: { name: string; description?: string }, meta: RequestMeta): Promise<Project> {
    requirePermission(principal, WRITE);
    // The new project would lie outside the caller's own restriction, invisible to it the moment it exists.
    requireOrgWide(principal, 'create projects');
    const now = this.ctx.now();
    const row: StoredProject = { id: newId('prj'), orgId: principal.orgId, name: input.name, description: input.description ?? '', createdAt: now, updatedAt: now };
    await this.ctx.storage.transaction(async (tx) => {
      await tx.projects.insert(row);
      await tx.audit.insertMany([auditEvent(principal.orgId, principal, 'project.created', { type: 'project', id: row.id }, meta, now, { name: row.name })]);
    }, nameTaken);
    return toProject(row);
  }

  async update(principal: Principal, id: string, input: { name?: string; description?: string }, meta: RequestMeta): Promise<Project> {
    requirePermission(principal, WRITE);
    const now = this.ctx.now();
    return this.ctx.storage.transaction(async (tx) => {
      const row = await this.load(tx, principal, id);
      const patch: Partial<Pick<StoredProject, 'name' | 'description' | 'updatedAt'>> = { updatedAt: now };
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      await tx.projects.update(principal.orgId, id, patch);
      const changed = Object.keys(input);
      const details = { changed, ...(input.name !== undefined && input.name !== row.name ? { from: row.name, to: input.name } : {}) };
      await tx.audit.insertMany([auditEvent(principal.orgId, principal, 'project.updated', { type: 'project', id }, meta, now, details)]);
      return toProject({ ...row, ...patch });
    }, nameTaken);
  }

  /**
   * Deletes a project and takes it out of every key's project list in the same transaction. A key left with
   * no project at all is revoked: an empty restriction must never be read as "every project".
   */
  async remove(principal: Principal, id: string, meta: RequestMeta): Promise<{ affectedKeyIds: string[]; revokedKeyIds: string[] }> {
    requirePermission(principal, WRITE);
    // Deleting a project narrows, and may revoke, keys reaching other projects, which a restricted caller cannot see.
    requireOrgWide(principal, 'delete projects');
    const now = this.ctx.now();
    const orgId = principal.orgId;
    const result = await this.ctx.storage.transaction(async (tx) => {
      // The project's row lock comes first: a key being created or changed with this project either committed
      // before (and its link is read below) or waits and then finds the project gone. Keys are locked after it,
      // in the same project-then-key order as key updates.
      await tx.projects.lockExisting(orgId, [id], 'update');
      const project = await this.load(tx, principal, id);
      const keyIds = await tx.keys.keyIdsRestrictedTo(id);
      const locked: ApiKey[] = [];
      for (const kind of CREDENTIAL_KIND_NAMES) locked.push(...(await tx.keys.findManyForUpdate(orgId, keyIds, kind)));
      // Read again under the lock: a key whose projects changed before the lock was taken may no longer name this one.
      const keys: ApiKey[] = locked.filter((k) => k.projectIds !== null && k.projectIds.includes(id));
      const events: AuditEvent[] = [];
      const revoked: string[] = [];
      for (const key of keys) {
        const remaining = (key.projectIds ?? []).filter((p) => p !== id);
        await tx.keys.replaceProjects(orgId, key.id, remaining);
        const target = { type: CREDENTIAL_KINDS[key.kind].noun, id: key.id };
        events.push(auditEvent(orgId, principal, `${target.type}.updated`, target, meta, now, { changed: ['projectIds'], reason: 'project_deleted', projectId: id }));
        if (remaining.length === 0 && key.revokedAt === null) {
          revoked.push(key.id);
          events.push(auditEvent(orgId, principal, `${target.type}.revoked`, target, meta, now, { reason: 'project_deleted', projectId: id }));
        }
      }
      await tx.keys.updateMany(orgId, keys.map((k) => k.id), { updatedAt: now });
      await tx.keys.updateMany(orgId, revoked, { revokedAt: now });
      await tx.projects.delete(orgId, id);
      events.unshift(
        auditEvent(orgId, principal, 'project.deleted', { type: 'project', id }, meta, now, { name: project.name, affectedKeys: keys.length, revokedKeys: revoked.length }),
      );
      await tx.audit.insertMany(events);
      tx.invalidations.record({ type: 'keys', keyIds: keys.map((k) => k.id) });
      return { affectedKeyIds: keys.map((k) => k.id), revokedKeyIds: revoked };
    });
    return result;
  }

  private async load(repos: Repositories, principal: Principal, id: string): Promise<StoredProject> {
    const row = principalSeesProject(principal, id) ? await repos.projects.findById(principal.orgId, id) : null;
    if (!row) throw new AppError('NOT_FOUND');
    return row;
  }
}
