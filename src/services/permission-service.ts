import { AppError } from '../domain/app-error.js';
import { isWildcard, MANAGEMENT_NAMESPACE, PERMISSION_MAX_LENGTH, PERMISSION_PATTERN } from '../domain/permission-pattern.js';
import type { Principal } from '../domain/principal.js';
import { auditEvent } from './audit-event.js';
import { requirePermission } from '../domain/require-permission.js';
import { type CatalogEntry, type PermissionCatalog, type Presets, presetsOf } from './permission-catalog.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

const READ = 'latchkey:permissions:read';
const WRITE = 'latchkey:permissions:write';

function nameTaken(): AppError {
  return new AppError('NAME_TAKEN', { message: 'That permission is already in the catalog.', details: { field: 'name' } });
}

/**
 * Reading the catalog, and the organization declaring or removing permissions of its own API. Removing one
 * stops new grants of it; keys that already hold it keep the name, and verification still answers for it.
 */
export class PermissionService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly catalog: PermissionCatalog,
  ) {}

  async list(principal: Principal): Promise<{ permissions: CatalogEntry[]; presets: Presets }> {
    requirePermission(principal, READ);
    const permissions = await this.catalog.entries(principal.orgId);
    return { permissions, presets: presetsOf(permissions) };
  }

  async declare(principal: Principal, input: { name: string; description: string }, meta: RequestMeta): Promise<CatalogEntry> {
    requirePermission(principal, WRITE);
    // The catalog is the whole organization's, not any project's.
    requireOrgWide(principal, 'declare permissions');
    const name = input.name;
    if (name.length > PERMISSION_MAX_LENGTH || !PERMISSION_PATTERN.test(name) || isWildcard(name)) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'A permission name is lowercase segments separated by ":", without wildcards.',
        details: { field: 'name' },
      });
    }
    if (name.startsWith(MANAGEMENT_NAMESPACE)) {
      throw new AppError('VALIDATION_FAILED', { message: 'The latchkey: namespace is reserved for Latchkey itself.', details: { field: 'name' } });
    }
    if ((await this.catalog.entries(principal.orgId)).some((e) => e.name === name)) throw nameTaken();
    const now = this.ctx.now();
    await this.ctx.storage.transaction(async (tx) => {
      await tx.permissions.insert({ orgId: principal.orgId, name, description: input.description, createdAt: now });
      await tx.audit.insertMany([auditEvent(principal.orgId, principal, 'permission.created', { type: 'permission', id: name }, meta, now, { description: input.description })]);
    }, nameTaken);
    return { name, description: input.description, source: 'organization' };
  }

  async remove(principal: Principal, name: string, meta: RequestMeta): Promise<void> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'remove permissions');
    if (name.startsWith(MANAGEMENT_NAMESPACE) || Object.hasOwn(this.ctx.config.apiPermissions, name)) {
      throw new AppError('VALIDATION_FAILED', {
        message: "That permission is declared by Latchkey or the deployment's configuration, not by this organization.",
        details: { field: 'name' },
      });
    }
    const now = this.ctx.now();
    await this.ctx.storage.transaction(async (tx) => {
      if ((await tx.permissions.delete(principal.orgId, name)) === 0) throw new AppError('NOT_FOUND');
      await tx.audit.insertMany([auditEvent(principal.orgId, principal, 'permission.deleted', { type: 'permission', id: name }, meta, now)]);
    });
  }
}
