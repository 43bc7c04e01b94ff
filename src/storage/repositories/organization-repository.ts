import type { Kysely } from 'kysely';
import type { Organization } from '../../domain/organization.js';
import type { Database } from '../schema.js';

export class OrganizationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(org: Organization): Promise<void> {
    await this.db.insertInto('organizations').values({ id: org.id, name: org.name, created_at: org.createdAt }).execute();
  }

  async findById(id: string): Promise<Organization | null> {
    const row = await this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  /**
   * Takes the organization's row lock until the transaction ends (a no-op write, portable to both databases),
   * so checks such as "one owner must remain" cannot interleave with a concurrent change to the same rows.
   */
  async lockForUpdate(id: string): Promise<void> {
    await this.db.updateTable('organizations').set((eb) => ({ name: eb.ref('name') })).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
