import type { Kysely } from 'kysely';
import type { Session } from '../../domain/session.js';
import type { Database } from '../schema.js';

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        org_id: session.orgId,
        csrf_digest: session.csrfDigest,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async findById(id: string): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row
      ? { id: row.id, userId: row.user_id, orgId: row.org_id, csrfDigest: row.csrf_digest, createdAt: row.created_at, expiresAt: row.expires_at }
      : null;
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
