import { AppError } from '../domain/app-error.js';
import type { Member as OrganizationMember } from '../domain/member.js';
import { decodeCursor, type Page, pageFrom } from '../domain/page.js';
import type { Principal } from '../domain/principal.js';
import { assertMayActOnRole, assertMayGrantRole, type Standing } from '../domain/role-rules.js';
import type { Role } from '../domain/roles.js';
import type { Repositories } from '../storage/repositories.js';
import { actorOfPrincipal, standingOf } from './actor-standing.js';
import { auditEvent } from './audit-event.js';
import { requirePermission } from '../domain/require-permission.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import type { ServiceContext } from './service-context.js';

/** A member as the API shows it: the organization is the caller's own, so it is left out. */
export type Member = Omit<OrganizationMember, 'orgId'>;

export function toMember({ orgId: _orgId, ...member }: OrganizationMember): Member {
  return member;
}

const READ = 'latchkey:members:read';
const WRITE = 'latchkey:members:write';

/**
 * The caller as it stands inside the transaction, after the organization lock, checked again for the right to
 * manage members: what authenticated the request a moment ago may have changed since (a demotion, a narrowed
 * key), and role checks must not pass on that.
 */
export async function memberManager(repos: Repositories, principal: Principal, now: number, action: string): Promise<Standing> {
  const standing = await standingOf(repos, principal.orgId, actorOfPrincipal(principal), now);
  if (!standing) throw new AppError('PERMISSION_DENIED', { message: 'The calling credential no longer stands for a member of this organization.', details: { required: WRITE } });
  requirePermission(standing.principal, WRITE);
  requireOrgWide(standing.principal, action);
  return standing;
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
    const members = await this.ctx.storage.run((repos) => repos.memberships.list(principal.orgId, query.limit + 1, after));
    return pageFrom(members, query.limit, scope, cursorKey, (last) => ({ sort: 'email', value: last.email, id: last.userId }), toMember);
  }

  async get(principal: Principal, userId: string): Promise<Member> {
    requirePermission(principal, READ);
    return toMember(await this.ctx.storage.run((repos) => this.load(repos, principal.orgId, userId)));
  }

  async changeRole(principal: Principal, userId: string, role: Role, meta: RequestMeta): Promise<Member> {
    requirePermission(principal, WRITE);
    requireOrgWide(principal, 'change roles');
    const orgId = principal.orgId;
    const now = this.ctx.now();
    return this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(orgId);
      const standing = await memberManager(tx, principal, now, 'change roles');
      const member = await this.load(tx, orgId, userId);
      if (member.role === role) return toMember(member);
      const from = member.role;
      assertMayGrantRole(standing, role);
      assertMayActOnRole(standing, from, 'change');
      if (from === 'owner' && (await tx.memberships.countOwners(orgId)) <= 1) throw new AppError('LAST_OWNER');
      await tx.memberships.setRole(orgId, userId, role);
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'member.role_changed', { type: 'user', id: userId }, meta, now, { email: member.email, from: member.role, to: role }),
      ]);
      tx.invalidations.record({ type: 'member', orgId, userId });
      return toMember({ ...member, role });
    });
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
    const revoked = await this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(orgId);
      const standing = await memberManager(tx, principal, now, 'remove members');
      const member = await this.load(tx, orgId, userId);
      const role = member.role;
      assertMayActOnRole(standing, role, 'remove');
      if (role === 'owner' && (await tx.memberships.countOwners(orgId)) <= 1) throw new AppError('LAST_OWNER');
      const tokenIds = await tx.keys.personalKeyIdsOf(orgId, userId);
      const tokens = await tx.keys.findManyByIds(orgId, tokenIds, 'personal_token');
      const revoked = tokens.filter((t) => t.revokedAt === null).map((t) => t.id);
      await tx.keys.updateMany(orgId, revoked, { revokedAt: now, updatedAt: now });
      // OAuth access tokens act for the member too; they, the member's grants and client credential end as well.
      const oauthTokens = (await tx.keys.findManyByIds(orgId, tokenIds, 'oauth_token')).filter((t) => t.revokedAt === null).map((t) => t.id);
      await tx.keys.updateMany(orgId, oauthTokens, { revokedAt: now, updatedAt: now });
      await tx.oauth.endMember(orgId, userId, now);
      await tx.sessions.deleteForMember(orgId, userId);
      await tx.memberships.remove(orgId, userId);
      await tx.audit.insertMany([
        auditEvent(orgId, principal, 'member.removed', { type: 'user', id: userId }, meta, now, { email: member.email, role: member.role, revokedTokens: revoked.length }),
        ...revoked.map((id) => auditEvent(orgId, principal, 'token.revoked', { type: 'token', id }, meta, now, { reason: 'member_removed', userId })),
      ]);
      tx.invalidations.record({ type: 'member', orgId, userId });
      tx.invalidations.record({ type: 'keys', keyIds: tokenIds });
      return revoked;
    });
    return { revokedTokenIds: revoked };
  }

  private async load(repos: Repositories, orgId: string, userId: string): Promise<OrganizationMember> {
    const member = await repos.memberships.find(orgId, userId);
    if (!member) throw new AppError('NOT_FOUND');
    return member;
  }
}
