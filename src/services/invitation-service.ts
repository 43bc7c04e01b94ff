import { AppError, isAppError } from '../domain/app-error.js';
import { newId } from '../domain/ids.js';
import { type Invitation as StoredInvitation, isPendingInvitation } from '../domain/invitation.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import { hashPassword } from '../domain/password-hash.js';
import type { Principal } from '../domain/principal.js';
import { assertMayGrantRole, type Standing } from '../domain/role-rules.js';
import type { Role } from '../domain/roles.js';
import { generateToken, parseToken } from '../domain/token-format.js';
import type { Repositories } from '../storage/repositories.js';
import { type Actor, actorOfPrincipal, standingOf } from './actor-standing.js';
import { auditEvent } from './audit-event.js';
import { requirePermission } from '../domain/require-permission.js';
import { type Member, memberManager, toMember } from './member-service.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

/** An invitation as the API shows it: never its token's digest, and only pending ones are ever shown. */
export type Invitation = Pick<StoredInvitation, 'id' | 'email' | 'role' | 'invitedBy' | 'createdAt' | 'expiresAt'>;

export interface CreatedInvitation {
  invitation: Invitation;
  /** The invitation token, returned once; only its digest is stored. */
  token: string;
}

export interface AcceptedInvitation {
  organization: { id: string; name: string };
  member: Member;
}

export interface NewAccountInput {
  token: string;
  name?: string;
  password: string;
}

const WRITE = 'latchkey:members:write';

/** Finds or makes the user who joins, inside the acceptance's transaction; refuses when they may not. */
type Joiner = (tx: Repositories, invitation: StoredInvitation, now: number) => Promise<{ id: string; email: string; name: string; created: boolean }>;

function toInvitation({ id, email, role, invitedBy, createdAt, expiresAt }: StoredInvitation): Invitation {
  return { id, email, role, invitedBy, createdAt, expiresAt };
}

/** One answer for every token that cannot be used: malformed, unknown, expired, revoked or spent. */
function invalid(): AppError {
  return new AppError('INVITATION_INVALID');
}

/**
 * Invitations replace adding people directly: nobody joins an organization, and nothing about their account is
 * revealed, until they accept with the single-use token the inviter was shown once. The role is checked twice
 * against the inviter's rights: when the invitation is made, and again, as the inviter stands then, when it is
 * accepted, so an inviter who lost those rights meanwhile cannot still hand them out.
 */
export class InvitationService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * The answer is the same whether or not the email has an account anywhere: no user is looked up, only
   * membership of this organization (visible to the caller anyway) and its own pending invitations.
   */
  async create(principal: Principal, input: { email: string; role: Role }, meta: RequestMeta): Promise<CreatedInvitation> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'invite members');
    const orgId = principal.orgId;
    const email = input.email.trim().toLowerCase();
    const now = this.ctx.now();
    const token = generateToken(this.ctx.config.tokenFormat, 'inv');
    const invitation: StoredInvitation = {
      id: newId('inv'),
      orgId,
      email,
      role: input.role,
      tokenDigest: this.ctx.digest(token),
      invitedBy: actorOfPrincipal(principal),
      createdAt: now,
      expiresAt: now + this.ctx.config.invitationTtlMs,
      acceptedAt: null,
      acceptedBy: null,
      revokedAt: null,
    };
    await this.ctx.storage.transaction(async (tx) => {
      // The lock makes "no second pending invitation for this email" hold against a concurrent create.
      await tx.organizations.lockForUpdate(orgId);
      const standing = await memberManager(tx, principal, now, 'invite members');
      assertMayGrantRole(standing, input.role);
      if (await tx.memberships.findByEmail(orgId, email)) throw new AppError('ALREADY_MEMBER');
      const pending = await tx.invitations.findPendingByEmail(orgId, email, now);
      if (pending) throw new AppError('ALREADY_INVITED', { details: { invitationId: pending.id } });
      await tx.invitations.insert(invitation);
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'invitation.created', { type: 'invitation', id: invitation.id }, meta, now, {
          email,
          role: input.role,
          expiresAt: invitation.expiresAt,
        }),
      ]);
    });
    return { invitation: toInvitation(invitation), token };
  }

  async list(principal: Principal, query: { limit: number; cursor?: string }): Promise<Page<Invitation>> {
    requirePermission(principal, WRITE);
    const scope = 'invitations';
    const cursorKey = await this.ctx.cursorKey();
    const after = query.cursor ? decodeCursor(query.cursor, scope, cursorKey) : undefined;
    const invitations = await this.ctx.storage.run((repos) => repos.invitations.listPending(principal.orgId, this.ctx.now(), query.limit + 1, after));
    return pageFrom(invitations, query.limit, scope, cursorKey, (last) => ({ sort: 'email', value: last.email, id: last.id }), toInvitation);
  }

  /** Only a pending invitation can be revoked, and only by a caller that could have made it (owner for owner). */
  async revoke(principal: Principal, id: string, meta: RequestMeta): Promise<void> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'revoke invitations');
    const orgId = principal.orgId;
    const now = this.ctx.now();
    await this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(orgId);
      const standing = await memberManager(tx, principal, now, 'revoke invitations');
      const invitation = await tx.invitations.findPending(orgId, id, now);
      if (!invitation) throw new AppError('NOT_FOUND');
      assertMayGrantRole(standing, invitation.role);
      if (!(await tx.invitations.revoke(orgId, id, now))) throw new AppError('NOT_FOUND');
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'invitation.revoked', { type: 'invitation', id }, meta, now, { email: invitation.email, role: invitation.role }),
      ]);
    });
  }

  /** Accepting as the signed-in user: the account's email must be the one invited. */
  async accept(principal: Principal, token: string, meta: RequestMeta): Promise<AcceptedInvitation> {
    if (principal.kind !== 'session' || principal.userId === null) {
      throw new AppError('PERMISSION_DENIED', { message: 'An invitation is accepted by a signed-in person, not by a key.', details: { required: 'session' } });
    }
    const userId = principal.userId;
    const found = await this.pendingByToken(token);
    return this.admit(found, meta, async (tx, invitation) => {
      const user = await tx.users.findById(userId);
      if (!user) throw new AppError('AUTH_INVALID');
      if (user.email !== invitation.email) throw new AppError('INVITATION_EMAIL_MISMATCH');
      if (await tx.memberships.find(invitation.orgId, userId)) throw new AppError('ALREADY_MEMBER');
      return { id: user.id, email: user.email, name: user.name, created: false };
    });
  }

  /**
   * Accepting by creating the account the invitation names. An email that already has an account must sign in
   * and accept instead (409 EMAIL_TAKEN): the token's holder learns that much, and nobody else does.
   */
  async acceptWithNewAccount(input: NewAccountInput, meta: RequestMeta): Promise<AcceptedInvitation> {
    const found = await this.pendingByToken(input.token);
    if (await this.ctx.storage.run((repos) => repos.users.findByEmail(found.email))) {
      // The account may be the one a racing acceptance of this very token just made: that token is spent, and its
      // holder is answered as for every spent token (404), not told that the account now exists.
      await this.pendingByToken(input.token);
      throw new AppError('EMAIL_TAKEN');
    }
    // Hashed before the transaction: scrypt is slow, and only a valid, pending token gets this far.
    const passwordHash = await hashPassword(input.password, this.ctx.config.passwordHashCost);
    return this.admit(
      found,
      meta,
      async (tx, invitation, now) => {
        if (await tx.users.findByEmail(invitation.email)) throw new AppError('EMAIL_TAKEN');
        const user = { id: newId('usr'), email: invitation.email, name: input.name ?? '', passwordHash, createdAt: now };
        await tx.users.insert(user);
        return { id: user.id, email: user.email, name: user.name, created: true };
      },
      'EMAIL_TAKEN',
    );
  }

  private async pendingByToken(token: string): Promise<StoredInvitation> {
    const parsed = parseToken(token, this.ctx.config.tokenFormat);
    // Without a type segment the secret does not say it is an invitation; the lookup by digest decides.
    if (!parsed || (parsed.type !== null && parsed.type !== 'inv')) throw invalid();
    const found = await this.ctx.storage.run((repos) => repos.invitations.findByDigest(this.ctx.digest(token)));
    if (!found || !isPendingInvitation(found, this.ctx.now())) throw invalid();
    return found;
  }

  /** A unique violation means a racing request made the same user or membership first. */
  private async admit(found: StoredInvitation, meta: RequestMeta, joiner: Joiner, onUnique: 'ALREADY_MEMBER' | 'EMAIL_TAKEN' = 'ALREADY_MEMBER'): Promise<AcceptedInvitation> {
    const now = this.ctx.now();
    return this.ctx.storage.transaction((tx) => this.admitIn(tx, found, meta, now, joiner), () => new AppError(onUnique));
  }

  /**
   * Under the organization's lock: the invitation read again and still pending, the inviter still able to grant
   * its role, then the one conditional update that spends it. Of two acceptances at once, exactly one gets here
   * with a pending invitation; the other answers INVITATION_INVALID.
   */
  private async admitIn(tx: Repositories, found: StoredInvitation, meta: RequestMeta, now: number, joiner: Joiner): Promise<AcceptedInvitation> {
    await tx.organizations.lockForUpdate(found.orgId);
    const invitation = await tx.invitations.findByDigest(found.tokenDigest);
    if (!invitation || !isPendingInvitation(invitation, now)) throw invalid();
    const orgId = invitation.orgId;
    const organization = await tx.organizations.findById(orgId);
    if (!organization) throw invalid();
    const role = invitation.role;
    const inviter: Actor = invitation.invitedBy;
    if (!inviterMayStillGrant(await standingOf(tx, orgId, inviter, now), role)) throw new AppError('INVITER_LACKS_RIGHTS');
    const user = await joiner(tx, invitation, now);
    if (!(await tx.invitations.markAccepted(invitation.id, user.id, now))) throw invalid();
    await tx.memberships.insert({ orgId, userId: user.id, role, createdAt: now });
    const actor = { actorType: 'user' as const, actorId: user.id };
    const target = { type: 'user', id: user.id };
    await tx.audit.insertMany([
      auditEvent(orgId, actor, 'invitation.accepted', { type: 'invitation', id: invitation.id }, meta, now, {
        email: invitation.email,
        role,
        invitedBy: inviter,
        userCreated: user.created,
      }),
      auditEvent(orgId, actor, 'member.added', target, meta, now, { email: invitation.email, role, invitationId: invitation.id, userCreated: user.created }),
    ]);
    const member = toMember({ orgId, userId: user.id, role, createdAt: now, email: user.email, name: user.name });
    return { organization: { id: organization.id, name: organization.name }, member };
  }
}

/** The inviter, as it stands when the invitation is accepted, must still be able to make the invitation. */
function inviterMayStillGrant(standing: Standing | null, role: Role): boolean {
  if (!standing) return false;
  try {
    requirePermission(standing.principal, WRITE);
    requireOrgWide(standing.principal, 'invite members');
    assertMayGrantRole(standing, role);
    return true;
  } catch (error) {
    if (isAppError(error)) return false;
    throw error;
  }
}
