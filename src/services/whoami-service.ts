import { AppError } from '../domain/app-error.js';
import { coveredByAny, MANAGEMENT_NAMESPACE } from '../domain/permission-pattern.js';
import type { Principal } from '../domain/principal.js';
import { ROLE_GRANTS, type Role } from '../domain/roles.js';
import type { PermissionCatalog } from './permission-catalog.js';
import type { ServiceContext } from './service-context.js';

export interface Whoami {
  kind: Principal['kind'];
  organization: { id: string; name: string };
  user: { id: string; email: string; name: string } | null;
  role: Role | null;
  key: { id: string; name: string; start: string; expiresAt: number | null } | null;
  /** What the caller may do: the key's permissions, the role's grants, or for a personal token what both allow. */
  permissions: string[];
  /** The two lists a personal token is bounded by; each null when the credential has no such list. */
  keyPermissions: string[] | null;
  rolePermissions: string[] | null;
  projectIds: string[] | null;
}

/** Describes the caller to itself: the dashboard's header and a CLI's `whoami` read this. */
export class WhoamiService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly catalog: PermissionCatalog,
  ) {}

  async describe(principal: Principal): Promise<Whoami> {
    const { org, user, key } = await this.ctx.storage.run(async (repos) => ({
      org: await repos.organizations.findById(principal.orgId),
      user: principal.userId ? await repos.users.findById(principal.userId) : null,
      key: principal.keyId ? await repos.keys.findById(principal.orgId, principal.keyId) : null,
    }));
    if (!org) throw new AppError('AUTH_INVALID');
    const rolePermissions = principal.role ? await this.expandRole(principal.orgId, principal.role) : null;
    const keyPermissions = principal.keyPermissions ? [...principal.keyPermissions] : null;
    return {
      kind: principal.kind,
      organization: { id: org.id, name: org.name },
      user: user ? { id: user.id, email: user.email, name: user.name } : null,
      role: principal.role,
      key: key ? { id: key.id, name: key.name, start: key.start, expiresAt: key.expiresAt } : null,
      permissions: effective(principal, keyPermissions, rolePermissions),
      keyPermissions,
      rolePermissions,
      projectIds: principal.projectIds ? [...principal.projectIds] : null,
    };
  }

  /** A role's grants with the internal `@api` markers spelled out as the catalog's API permissions. */
  private async expandRole(orgId: string, role: Role): Promise<string[]> {
    const grants = ROLE_GRANTS[role];
    if (!grants.some((g) => g.startsWith('@'))) return [...grants];
    const api = (await this.catalog.entries(orgId)).map((e) => e.name).filter((n) => !n.startsWith(MANAGEMENT_NAMESPACE));
    const expanded = grants.filter((g) => !g.startsWith('@'));
    for (const name of api) if (coveredByAny(grants, name)) expanded.push(name);
    return [...new Set(expanded)];
  }
}

/**
 * For a personal token, the names either list holds that the other also covers: a pattern intersection, so a
 * `*` token of a member shows the member's grants and a narrow token of an owner shows the token's own list.
 */
function effective(principal: Principal, keyPermissions: string[] | null, rolePermissions: string[] | null): string[] {
  if (keyPermissions === null) return rolePermissions ?? [];
  if (rolePermissions === null || principal.role === null) return keyPermissions;
  const roleGrants = ROLE_GRANTS[principal.role];
  const both = [...keyPermissions.filter((p) => coveredByAny(roleGrants, p)), ...rolePermissions.filter((p) => coveredByAny(keyPermissions, p))];
  return [...new Set(both)];
}
