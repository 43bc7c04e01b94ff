import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class ServerSecretRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The stored secret named `name`, storing `candidate` first if there is none. Instances starting at once all
   * offer a candidate; the insert that loses the race does nothing, and every instance reads the one that won.
   */
  async getOrCreate(name: string, candidate: string, now: number): Promise<string> {
    await this.db
      .insertInto('server_secrets')
      .values({ name, value: candidate, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return row.value;
  }
}
