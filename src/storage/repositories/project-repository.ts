import { type Kysely, sql } from 'kysely';
import type { CursorPosition } from '../../domain/page.js';
import type { StorageFeatures } from '../dialect/dialect-adapter.js';
import type { Database, ProjectRow } from '../schema.js';

export class ProjectRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
  ) {}

  async insert(project: ProjectRow): Promise<void> {
    await this.db.insertInto('projects').values(project).execute();
  }

  async findById(orgId: string, id: string): Promise<ProjectRow | null> {
    return (await this.db.selectFrom('projects').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** Which of these ids are projects of the organization; used to validate key restrictions. */
  async existingIds(orgId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('projects').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
    return rows.map((r) => r.id);
  }

  /**
   * Which of these ids are projects of the organization, holding their rows until the transaction ends: `share`
   * while a key is linked to them (a deletion waits, then sees the link), `update` while one is deleted (a key
   * change waits, then finds the project gone). Locked in id order. Inside a transaction only.
   */
  async lockExisting(orgId: string, ids: readonly string[], mode: 'share' | 'update'): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('projects')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)].sort())
      .orderBy('id')
      .$if(this.features.rowLocks, (q) => (mode === 'share' ? q.forShare() : q.forUpdate()))
      .execute();
    return rows.map((r) => r.id);
  }

  async list(orgId: string, options: { limit: number; after?: CursorPosition; only?: readonly string[] | null; search?: string }): Promise<ProjectRow[]> {
    let query = this.db.selectFrom('projects').selectAll().where('org_id', '=', orgId);
    if (options.only) {
      if (options.only.length === 0) return [];
      query = query.where('id', 'in', options.only);
    }
    if (options.search) {
      // Both sides go through the database's own lower() and substr(), so the match means the same on SQLite
      // and PostgreSQL whatever the collation, with nothing to escape.
      const search = options.search;
      const text = sql<string>`cast(${search} as text)`;
      query = query.where(sql<string>`substr(lower(name), 1, length(${text}))`, '=', sql<string>`lower(${text})`);
    }
    if (options.after) {
      const value = String(options.after.value);
      const id = options.after.id;
      query = query.where((eb) => eb.or([eb('name', '>', value), eb.and([eb('name', '=', value), eb('id', '>', id)])]));
    }
    return query.orderBy('name').orderBy('id').limit(options.limit).execute();
  }

  async update(orgId: string, id: string, patch: Partial<Pick<ProjectRow, 'name' | 'description' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('projects').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async delete(orgId: string, id: string): Promise<void> {
    await this.db.deleteFrom('api_key_projects').where('project_id', '=', id).execute();
    await this.db.deleteFrom('projects').where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
