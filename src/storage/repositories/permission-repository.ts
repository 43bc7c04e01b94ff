import type { Kysely } from 'kysely';
import type { Database, PermissionRow } from '../schema.js';

export class PermissionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(orgId: string): Promise<PermissionRow[]> {
    return this.db.selectFrom('permissions').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
  }

  async insert(row: PermissionRow): Promise<void> {
    await this.db.insertInto('permissions').values(row).execute();
  }

  async delete(orgId: string, name: string): Promise<number> {
    const result = await this.db.deleteFrom('permissions').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
