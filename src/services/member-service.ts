import { AppError } from '../domain/app-error.js';
import { newId } from '../domain/ids.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import { hashPassword } from '../domain/password-hash.js';
import { type Principal, principalCan } from '../domain/principal.js';
import { ROLE_GRANTS, type Role } from '../domain/roles.js';
import type { Repositories } from '../storage/repositories.js';
import type { MemberRow } from '../storage/repositories/membership-repository.js';
import { auditEvent } from './audit-event.js';
import { requirePermission } from './key-service.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: number;
}

export interface AddMemberInput {
  email: string;
  name?: string;
  password?: string;
  role: Role;
}

const READ = 'latchkey:members:read';
const WRITE = 'latchkey:members:write';
export const MIN_PASSWORD_LENGTH = 12;

function toMember(row: MemberRow): Member {
  // Roles are written only by this service and setup, both from the closed list.
  return { userId: row.user_id, email: row.email, name: row.name, role: row.role as Role, createdAt: row.created_at };
}

/** Owners are made and unmade only by an owner: a session or personal token of an owner, or an org key holding `*`. */
function actsAsOwner(principal: Principal): boolean {
  if (principal.kind === 'org_key') return principal.keyPermissions?.includes('*') ?? false;
  return principal.role === 'owner';
}

function requireOwner(principal: Principal, message: string): void {
  if (!actsAsOwner(principal)) throw new AppError('PERMISSION_DENIED', { message, details: { required: 'owner' } });
}

/**
 * Granting a role is granting what the role holds, so the rule that bounds keys bounds roles too: the caller
 * must itself hold everything the role grants. Without it a key allowed only to manage members could make an
 * admin and sign in as one.
 */
function requireMayGrant(principal: Principal, role: Role): void {
  if (role === 'owner') {
    requireOwner(principal, 'Only an owner can make another member an owner.');
    return;
  }
  const excess = ROLE_GRANTS[role].filter((grant) => !principalCan(principal, grant));
  if (excess.length > 0) {
    throw new AppError('PERMISSION_ESCALATION', {
      message: `The ${role} role grants more than the calling credential holds.`,
      details: { role, permissions: excess },
    });
  }
}

/**
 * Who belongs to an organization and in which role. Every change reaches the verification cache before the
 * response: a demoted member's personal tokens lose the rights at once, and a removed member's are revoked.
 */
export class MemberService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(principal: Principal, query: { limit: number; cursor?: string }): Promise<Page<Member>> {
    requirePermission(principal, READ);
    const scope = 'members';
    const cursorKey = await this.ctx.cursorKey();
    const after = query.cursor ? decodeCursor(query.cursor, scope, cursorKey) : undefined;
    const rows = await this.ctx.storage.repos.memberships.list(principal.orgId, query.limit + 1, after);
    return pageFrom(rows, query.limit, scope, cursorKey, (last) => ({ sort: 'email', value: last.email, id: last.user_id }), toMember);
  }

  async get(principal: Principal, userId: string): Promise<Member> {
    requirePermission(principal, READ);
    return toMember(await this.load(this.ctx.storage.repos, principal.orgId, userId));
  }

  /**
   * Adds a user to the organization, creating the user when the email is new (a password is then required).
   * An existing user's name and password are never changed here: they belong to the user, not the organization.
   */
  async add(principal: Principal, input: AddMemberInput, meta: RequestMeta): Promise<Member> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'add members');
    requireMayGrant(principal, input.role);
    const orgId = principal.orgId;
    const email = input.email.trim().toLowerCase();
    const repos = this.ctx.storage.repos;
    const existing = await repos.users.findByEmail(email);
    if (existing && (await repos.memberships.find(orgId, existing.id))) throw new AppError('ALREADY_MEMBER');
    if (!existing && input.password === undefined) {
      throw new AppError('VALIDATION_FAILED', { message: 'A password is required to create a new user.', details: { field: 'password' } });
    }
    if (!existing && input.password!.length < MIN_PASSWORD_LENGTH) {
      throw new AppError('VALIDATION_FAILED', { message: `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`, details: { field: 'password' } });
    }
    const passwordHash = existing ? null : await hashPassword(input.password!);
    const now = this.ctx.now();
    return this.ctx.storage.transaction(
      async (tx) => {
        let user = await tx.users.findByEmail(email);
        const created = user === null;
        if (!user) {
          if (passwordHash === null) throw new AppError('NOT_FOUND', { message: 'The user no longer exists; try again.' });
          user = { id: newId('usr'), email, name: input.name ?? '', password_hash: passwordHash, created_at: now };
          await tx.users.insert(user);
        } else if (await tx.memberships.find(orgId, user.id)) {
          throw new AppError('ALREADY_MEMBER');
        }
        await tx.memberships.insert({ org_id: orgId, user_id: user.id, role: input.role, created_at: now });
        await tx.audit.insertMany([
          auditEvent(orgId, principal, 'member.added', { type: 'user', id: user.id }, meta, now, { email, role: input.role, userCreated: created }),
        ]);
        return { userId: user.id, email, name: user.name, role: input.role, createdAt: now };
      },
      () => new AppError('ALREADY_MEMBER'),
    );
  }

  async changeRole(principal: Principal, userId: string, role: Role, meta: RequestMeta): Promise<Member> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'change roles');
    const orgId = principal.orgId;
    const now = this.ctx.now();
    const { member, changed } = await this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(orgId);
      const member = await this.load(tx, orgId, userId);
      if (member.role === role) return { member: toMember(member), changed: false };
      if (member.role === 'owner') {
        requireOwner(principal, 'Only an owner can take the owner role away.');
        if ((await tx.memberships.countOwners(orgId)) <= 1) throw new AppError('LAST_OWNER');
      }
      requireMayGrant(principal, role);
      await tx.memberships.setRole(orgId, userId, role);
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'member.role_changed', { type: 'user', id: userId }, meta, now, { email: member.email, from: member.role, to: role }),
      ]);
      return { member: toMember({ ...member, role }), changed: true };
    });
    if (changed) await this.ctx.bus.publish({ type: 'member', orgId, userId });
    return member;
  }

  /**
   * Removes a member and, in the same transaction, revokes every personal token they hold here and ends their
   * sessions here, so nothing they held keeps working once the response is sent.
   */
  async remove(principal: Principal, userId: string, meta: RequestMeta): Promise<{ revokedTokenIds: string[] }> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'remove members');
    const orgId = principal.orgId;
    const now = this.ctx.now();
    const { tokenIds, revoked } = await this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(orgId);
      const member = await this.load(tx, orgId, userId);
      if (member.role === 'owner') {
        requireOwner(principal, 'Only an owner can remove an owner.');
        if ((await tx.memberships.countOwners(orgId)) <= 1) throw new AppError('LAST_OWNER');
      }
      const tokenIds = await tx.keys.personalKeyIdsOf(orgId, userId);
      const tokens = await tx.keys.findManyByIds(orgId, tokenIds, 'personal');
      const revoked = tokens.filter((t) => t.revokedAt === null).map((t) => t.id);
      await tx.keys.updateMany(orgId, revoked, { revokedAt: now, updatedAt: now });
      await tx.sessions.deleteForMember(orgId, userId);
      await tx.memberships.remove(orgId, userId);
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'member.removed', { type: 'user', id: userId }, meta, now, { email: member.email, role: member.role, revokedTokens: revoked.length }),
        ...revoked.map((id) => auditEvent(orgId, principal, 'token.revoked', { type: 'token', id }, meta, now, { reason: 'member_removed', userId })),
      ]);
      return { tokenIds, revoked };
    });
    await this.ctx.bus.publish({ type: 'member', orgId, userId });
    if (tokenIds.length > 0) await this.ctx.bus.publish({ type: 'keys', keyIds: tokenIds });
    return { revokedTokenIds: revoked };
  }

  private async load(repos: Repositories, orgId: string, userId: string): Promise<MemberRow> {
    const member = await repos.memberships.find(orgId, userId);
    if (!member) throw new AppError('NOT_FOUND');
    return member;
  }
}
