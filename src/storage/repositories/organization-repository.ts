import type { Kysely } from 'kysely';
import type { Database, OrganizationRow } from '../schema.js';

export class OrganizationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(org: OrganizationRow): Promise<void> {
    await this.db.insertInto('organizations').values(org).execute();
  }

  async findById(id: string): Promise<OrganizationRow | null> {
    return (await this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
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
