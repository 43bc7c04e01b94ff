import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../domain/page.js';
import type { Database, InvitationRow } from '../schema.js';

export class InvitationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(invitation: InvitationRow): Promise<void> {
    await this.db.insertInto('invitations').values(invitation).execute();
  }

  /** By token digest, in any organization and any state: the caller decides what a spent one means. */
  async findByDigest(digest: string): Promise<InvitationRow | null> {
    return (await this.db.selectFrom('invitations').selectAll().where('token_digest', '=', digest).executeTakeFirst()) ?? null;
  }

  async findPending(orgId: string, id: string, now: number): Promise<InvitationRow | null> {
    return (await this.pending(orgId, now).where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async findPendingByEmail(orgId: string, email: string, now: number): Promise<InvitationRow | null> {
    return (await this.pending(orgId, now).where('email', '=', email).executeTakeFirst()) ?? null;
  }

  /** Pending invitations ordered by email, then id. */
  async listPending(orgId: string, now: number, limit: number, after?: CursorPosition): Promise<InvitationRow[]> {
    let query = this.pending(orgId, now);
    if (after) {
      const value = String(after.value);
      query = query.where((eb) => eb.or([eb('email', '>', value), eb.and([eb('email', '=', value), eb('id', '>', after.id)])]));
    }
    return query.orderBy('email').orderBy('id').limit(limit).execute();
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

  /** Neither accepted, revoked nor expired: the one definition of "pending" every lookup shares. */
  private pending(orgId: string, now: number) {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
  }
}
