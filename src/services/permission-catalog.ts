import { AppError } from '../domain/app-error.js';
import { MANAGEMENT_PERMISSIONS } from '../domain/management-permissions.js';
import { accessLevel, isWildcard, MANAGEMENT_NAMESPACE, PERMISSION_MAX_LENGTH, PERMISSION_PATTERN } from '../domain/permission-pattern.js';
import type { ServiceContext } from './service-context.js';

export interface CatalogEntry {
  name: string;
  description: string;
  source: 'latchkey' | 'config' | 'organization';
}

/** Ready-made permission sets of the protected API for the dashboard's key form, by access level. */
export interface Presets {
  read: string[];
  write: string[];
  admin: string[];
}

/** read: the API permissions whose level is read; write: read and write ones; admin: every API permission. */
export function presetsOf(entries: readonly CatalogEntry[]): Presets {
  const api = entries.map((e) => e.name).filter((name) => !name.startsWith(MANAGEMENT_NAMESPACE));
  return {
    read: api.filter((name) => accessLevel(name) === 'read'),
    write: api.filter((name) => accessLevel(name) === 'read' || accessLevel(name) === 'write'),
    admin: api,
  };
}

/**
 * The permissions a key may be given: Latchkey's own, those the deployment declares in its config file, and
 * those an organization declares through the API. Anything else is refused at the door.
 */
export class PermissionCatalog {
  constructor(private readonly ctx: ServiceContext) {}

  async entries(orgId: string): Promise<CatalogEntry[]> {
    const entries: CatalogEntry[] = [];
    for (const [name, description] of Object.entries(MANAGEMENT_PERMISSIONS)) entries.push({ name, description, source: 'latchkey' });
    for (const [name, description] of Object.entries(this.ctx.config.apiPermissions)) entries.push({ name, description, source: 'config' });
    for (const row of await this.ctx.storage.run((repos) => repos.permissions.list(orgId))) {
      if (!Object.hasOwn(this.ctx.config.apiPermissions, row.name)) entries.push({ name: row.name, description: row.description, source: 'organization' });
    }
    return entries;
  }

  /** Deduplicates and checks every name: exact names must be catalogued, wildcards must cover something. */
  async validate(orgId: string, permissions: readonly string[]): Promise<string[]> {
    const unique = [...new Set(permissions)];
    const malformed = unique.filter((p) => p.length > PERMISSION_MAX_LENGTH || !PERMISSION_PATTERN.test(p));
    if (malformed.length > 0) {
      throw new AppError('VALIDATION_FAILED', { message: 'A permission name is malformed.', details: { field: 'permissions', permissions: malformed } });
    }
    const names = new Set((await this.entries(orgId)).map((e) => e.name));
    const unknown = unique.filter((p) => {
      if (!isWildcard(p)) return !names.has(p);
      if (p === '*') return false;
      const base = p.slice(0, -1);
      return ![...names].some((n) => n.startsWith(base));
    });
    if (unknown.length > 0) throw new AppError('UNKNOWN_PERMISSION', { details: { permissions: unknown } });
    return unique;
  }
}
