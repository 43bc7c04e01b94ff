import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../schema.js';

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(session).execute();
  }

  async findById(id: string): Promise<SessionRow | null> {
    return (await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteForMember(orgId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
