import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../schema.js';

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(user: UserRow): Promise<void> {
    await this.db.insertInto('users').values(user).execute();
  }

  async findById(id: string): Promise<UserRow | null> {
    return (await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** Emails are stored lowercased, so this is an exact, indexed match. */
  async findByEmail(email: string): Promise<UserRow | null> {
    return (await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst()) ?? null;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }
}
