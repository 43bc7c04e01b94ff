import { type Kysely, sql } from 'kysely';
import type { CursorPosition } from '../../domain/page.js';
import type { Project } from '../../domain/project.js';
import type { StorageFeatures } from '../dialect/dialect-adapter.js';
import type { Database, ProjectRow } from '../schema.js';

function toProject(row: ProjectRow): Project {
  return { id: row.id, orgId: row.org_id, name: row.name, description: row.description, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class ProjectRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly features: StorageFeatures,
  ) {}

  async insert(project: Project): Promise<void> {
    await this.db
      .insertInto('projects')
      .values({ id: project.id, org_id: project.orgId, name: project.name, description: project.description, created_at: project.createdAt, updated_at: project.updatedAt })
      .execute();
  }

  async findById(orgId: string, id: string): Promise<Project | null> {
    const row = await this.db.selectFrom('projects').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toProject(row) : null;
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

  async list(orgId: string, options: { limit: number; after?: CursorPosition; only?: readonly string[] | null; search?: string }): Promise<Project[]> {
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
    return (await query.orderBy('name').orderBy('id').limit(options.limit).execute()).map(toProject);
  }

  async update(orgId: string, id: string, patch: Partial<Pick<Project, 'name' | 'description' | 'updatedAt'>>): Promise<void> {
    const { updatedAt, ...named } = patch;
    await this.db
      .updateTable('projects')
      .set({ ...named, ...(updatedAt !== undefined ? { updated_at: updatedAt } : {}) })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async delete(orgId: string, id: string): Promise<void> {
    await this.db.deleteFrom('api_key_projects').where('project_id', '=', id).execute();
    await this.db.deleteFrom('projects').where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
