import type { Kysely } from 'kysely';
import type { Member } from '../../domain/member.js';
import type { Membership } from '../../domain/membership.js';
import type { Organization } from '../../domain/organization.js';
import type { CursorPosition } from '../../domain/page.js';
import { ROLES, type Role } from '../../domain/roles.js';
import type { Database, MembershipRow } from '../schema.js';

interface MemberRow extends MembershipRow {
  email: string;
  name: string;
}

/**
 * Every read keeps to rows whose role is one of ROLES (see `membershipsOf`), so the cast is what the query
 * already checked: a stored value outside the list (edited by hand, or a role a later version dropped) stands for
 * nothing, exactly as no membership.
 */
function toMembership(row: MembershipRow): Membership {
  return { orgId: row.org_id, userId: row.user_id, role: row.role as Role, createdAt: row.created_at };
}

function toMember(row: MemberRow): Member {
  return { ...toMembership(row), email: row.email, name: row.name };
}

export class MembershipRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(membership: Membership): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({ org_id: membership.orgId, user_id: membership.userId, role: membership.role, created_at: membership.createdAt })
      .execute();
  }

  async find(orgId: string, userId: string): Promise<Member | null> {
    const row = await this.membersOf(orgId).where('m.user_id', '=', userId).executeTakeFirst();
    return row ? toMember(row) : null;
  }

  /** The member with this (lowercased) email, if the user belongs to this organization. */
  async findByEmail(orgId: string, email: string): Promise<Member | null> {
    const row = await this.membersOf(orgId).where('u.email', '=', email).executeTakeFirst();
    return row ? toMember(row) : null;
  }

  async firstForUser(userId: string): Promise<Membership | null> {
    const row = await this.membershipsOf()
      .select(['m.org_id', 'm.user_id', 'm.role', 'm.created_at'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at')
      .orderBy('m.org_id')
      .executeTakeFirst();
    return row ? toMembership(row) : null;
  }

  /** Every organization the user belongs to, oldest membership first. */
  async listForUser(userId: string): Promise<{ membership: Membership; organization: Organization }[]> {
    const rows = await this.membershipsOf()
      .innerJoin('organizations as o', 'o.id', 'm.org_id')
      .select(['m.org_id', 'm.user_id', 'm.role', 'm.created_at', 'o.name', 'o.created_at as org_created_at'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at')
      .orderBy('m.org_id')
      .execute();
    return rows.map((r) => ({ membership: toMembership(r), organization: { id: r.org_id, name: r.name, createdAt: r.org_created_at } }));
  }

  async list(orgId: string, limit: number, after?: CursorPosition): Promise<Member[]> {
    let query = this.membersOf(orgId);
    if (after) {
      const value = String(after.value);
      query = query.where((eb) => eb.or([eb('u.email', '>', value), eb.and([eb('u.email', '=', value), eb('m.user_id', '>', after.id)])]));
    }
    return (await query.orderBy('u.email').orderBy('m.user_id').limit(limit).execute()).map(toMember);
  }

  async setRole(orgId: string, userId: string, role: Role): Promise<void> {
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

  /** Memberships whose stored role is one of ROLES: the only ones any read returns. */
  private membershipsOf() {
    return this.db.selectFrom('memberships as m').where('m.role', 'in', [...ROLES]);
  }

  /** An organization's memberships with their users' email and name: the shape every member read returns. */
  private membersOf(orgId: string) {
    return this.membershipsOf()
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.org_id', 'm.user_id', 'm.role', 'm.created_at', 'u.email', 'u.name'])
      .where('m.org_id', '=', orgId);
  }
}
