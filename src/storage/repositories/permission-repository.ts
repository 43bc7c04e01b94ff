import type { Kysely } from 'kysely';
import type { OrganizationPermission } from '../../domain/organization-permission.js';
import type { Database } from '../schema.js';

export class PermissionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(orgId: string): Promise<OrganizationPermission[]> {
    const rows = await this.db.selectFrom('permissions').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
    return rows.map((r) => ({ orgId: r.org_id, name: r.name, description: r.description, createdAt: r.created_at }));
  }

  async insert(permission: OrganizationPermission): Promise<void> {
    await this.db
      .insertInto('permissions')
      .values({ org_id: permission.orgId, name: permission.name, description: permission.description, created_at: permission.createdAt })
      .execute();
  }

  async delete(orgId: string, name: string): Promise<number> {
    const result = await this.db.deleteFrom('permissions').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
