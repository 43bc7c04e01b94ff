import type { Kysely } from 'kysely';
import type { Invitation } from '../../domain/invitation.js';
import type { CursorPosition } from '../../domain/page.js';
import { ROLES, type Role } from '../../domain/roles.js';
import type { Database, InvitationRow } from '../schema.js';

/**
 * Every read keeps to rows whose role is one of ROLES (see `invitations`), so the role's cast is what the query
 * already checked; the inviter's type is written only by the invitation service, from `user` or `key`.
 */
function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    orgId: row.org_id,
    email: row.email,
    role: row.role as Role,
    tokenDigest: row.token_digest,
    invitedBy: { type: row.invited_by_type as Invitation['invitedBy']['type'], id: row.invited_by_id },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
    revokedAt: row.revoked_at,
  };
}

function toRow(invitation: Invitation): InvitationRow {
  return {
    id: invitation.id,
    org_id: invitation.orgId,
    email: invitation.email,
    role: invitation.role,
    token_digest: invitation.tokenDigest,
    invited_by_type: invitation.invitedBy.type,
    invited_by_id: invitation.invitedBy.id,
    created_at: invitation.createdAt,
    expires_at: invitation.expiresAt,
    accepted_at: invitation.acceptedAt,
    accepted_by: invitation.acceptedBy,
    revoked_at: invitation.revokedAt,
  };
}

export class InvitationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(invitation: Invitation): Promise<void> {
    await this.db.insertInto('invitations').values(toRow(invitation)).execute();
  }

  /** By token digest, in any organization and any state: the caller decides what a spent one means. */
  async findByDigest(digest: string): Promise<Invitation | null> {
    const row = await this.invitations().where('token_digest', '=', digest).executeTakeFirst();
    return row ? toInvitation(row) : null;
  }

  async findPending(orgId: string, id: string, now: number): Promise<Invitation | null> {
    const row = await this.pending(orgId, now).where('id', '=', id).executeTakeFirst();
    return row ? toInvitation(row) : null;
  }

  async findPendingByEmail(orgId: string, email: string, now: number): Promise<Invitation | null> {
    const row = await this.pending(orgId, now).where('email', '=', email).executeTakeFirst();
    return row ? toInvitation(row) : null;
  }

  /** Pending invitations ordered by email, then id. */
  async listPending(orgId: string, now: number, limit: number, after?: CursorPosition): Promise<Invitation[]> {
    let query = this.pending(orgId, now);
    if (after) {
      const value = String(after.value);
      query = query.where((eb) => eb.or([eb('email', '>', value), eb.and([eb('email', '=', value), eb('id', '>', after.id)])]));
    }
    return (await query.orderBy('email').orderBy('id').limit(limit).execute()).map(toInvitation);
  }

  /**
   * Spends a pending invitation. The condition is part of the update, so of two acceptances racing for one
   * invitation exactly one changes a row; the caller treats 0 as "no longer valid".
   */
  async markAccepted(id: string, userId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revoke(orgId: string, id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Invitations whose stored role is one of ROLES: one outside the list offers nothing, as no invitation. */
  private invitations() {
    return this.db.selectFrom('invitations').selectAll().where('role', 'in', [...ROLES]);
  }

  /** Neither accepted, revoked nor expired: the one definition of "pending" every lookup shares. */
  private pending(orgId: string, now: number) {
    return this.invitations().where('org_id', '=', orgId).where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now);
  }
}
