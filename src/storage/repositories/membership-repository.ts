import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../domain/page.js';
import type { Database, MembershipRow } from '../schema.js';

export interface MemberRow extends MembershipRow {
  email: string;
  name: string;
}

export interface UserMembershipRow {
  org_id: string;
  name: string;
  role: string;
  created_at: number;
}

export class MembershipRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(membership: MembershipRow): Promise<void> {
    await this.db.insertInto('memberships').values(membership).execute();
  }

  async find(orgId: string, userId: string): Promise<MemberRow | null> {
    return (await this.membersOf(orgId).where('m.user_id', '=', userId).executeTakeFirst()) ?? null;
  }

  /** The member with this (lowercased) email, if the user belongs to this organization. */
  async findByEmail(orgId: string, email: string): Promise<MemberRow | null> {
    return (await this.membersOf(orgId).where('u.email', '=', email).executeTakeFirst()) ?? null;
  }

  async firstForUser(userId: string): Promise<MembershipRow | null> {
    return (
      (await this.db.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('org_id').executeTakeFirst()) ?? null
    );
  }

  /** Every organization the user belongs to, oldest membership first. */
  async listForUser(userId: string): Promise<UserMembershipRow[]> {
    return this.db
      .selectFrom('memberships as m')
      .innerJoin('organizations as o', 'o.id', 'm.org_id')
      .select(['m.org_id', 'm.role', 'm.created_at', 'o.name'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at')
      .orderBy('m.org_id')
      .execute();
  }

  async list(orgId: string, limit: number, after?: CursorPosition): Promise<MemberRow[]> {
    let query = this.membersOf(orgId);
    if (after) {
      const value = String(after.value);
      query = query.where((eb) => eb.or([eb('u.email', '>', value), eb.and([eb('u.email', '=', value), eb('m.user_id', '>', after.id)])]));
    }
    return query.orderBy('u.email').orderBy('m.user_id').limit(limit).execute();
  }

  async setRole(orgId: string, userId: string, role: string): Promise<void> {
    await this.db.updateTable('memberships').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }

  async remove(orgId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }

  async countOwners(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** An organization's memberships with their users' email and name: the shape every member read returns. */
  private membersOf(orgId: string) {
    return this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.org_id', 'm.user_id', 'm.role', 'm.created_at', 'u.email', 'u.name'])
      .where('m.org_id', '=', orgId);
  }
}
