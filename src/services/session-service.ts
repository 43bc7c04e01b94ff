import { AppError } from '../domain/app-error.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../domain/password-hash.js';
import type { Principal } from '../domain/principal.js';
import { isRole, type Role } from '../domain/roles.js';
import type { UserRow } from '../storage/schema.js';
import { auditEvent } from './audit-event.js';
import type { Authenticator } from './authenticator.js';
import type { RequestMeta } from './request-meta.js';
import type { ServiceContext } from './service-context.js';

export interface SignInInput {
  email: string;
  password: string;
  organizationId?: string;
}

export interface SignInResult {
  /** The cookie value; only its digest is stored. */
  sessionToken: string;
  csrfToken: string;
  expiresAt: number;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  role: Role;
}

/**
 * Dashboard sign-in. Every failure looks the same to the client, and costs the same time: an unknown email is
 * checked against a dummy hash, so response time does not tell which emails have accounts.
 */
export class SessionService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly authenticator: Authenticator,
  ) {}

  async signIn(input: SignInInput, meta: RequestMeta): Promise<SignInResult> {
    const repos = this.ctx.storage.repos;
    const email = input.email.trim().toLowerCase();
    const user = await repos.users.findByEmail(email);
    const passwordOk = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    // Looked up for unknown emails too, so the path's work does not depend on whether the account exists.
    const userId = user?.id ?? '';
    const chosen = input.organizationId ? await repos.memberships.find(input.organizationId, userId) : await repos.memberships.firstForUser(userId);
    if (!user || !passwordOk || !chosen || !isRole(chosen.role)) {
      if (user) await this.auditFailure(user, chosen?.org_id ?? null, passwordOk ? 'not_a_member' : 'wrong_password', meta);
      throw new AppError('INVALID_SIGN_IN');
    }
    const orgId = chosen.org_id;
    const organization = await repos.organizations.findById(orgId);
    if (!organization) throw new AppError('INVALID_SIGN_IN');
    const now = this.ctx.now();
    const expiresAt = now + this.ctx.config.sessionTtlMs;
    const secrets = this.authenticator.newSessionSecrets();
    await repos.sessions.deleteExpired(now);
    await this.ctx.storage.transaction(async (tx) => {
      await tx.sessions.insert({ id: secrets.sessionId, user_id: user.id, org_id: orgId, csrf_digest: secrets.csrfDigest, created_at: now, expires_at: expiresAt });
      await tx.audit.insertMany([
        auditEvent(orgId, { actorType: 'user', actorId: user.id }, 'auth.sign_in', { type: 'user', id: user.id }, meta, now, { email }),
      ]);
    });
    return {
      sessionToken: secrets.sessionToken,
      csrfToken: secrets.csrfToken,
      expiresAt,
      user: { id: user.id, email: user.email, name: user.name },
      organization: { id: organization.id, name: organization.name },
      role: chosen.role,
    };
  }

  async signOut(principal: Principal, sessionId: string, meta: RequestMeta): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.storage.transaction(async (tx) => {
      await tx.sessions.delete(sessionId);
      await tx.audit.insertMany([auditEvent(principal.orgId, principal, 'auth.sign_out', { type: 'user', id: principal.userId! }, meta, now)]);
    });
  }

  /**
   * Failed attempts are recorded in an organization the user belongs to (the one asked for, else the first),
   * so its owners can see someone trying; the password itself is never recorded. Emails without an account
   * belong to no organization and leave no row.
   */
  private async auditFailure(user: UserRow, orgId: string | null, reason: string, meta: RequestMeta): Promise<void> {
    const auditOrg = orgId ?? (await this.ctx.storage.repos.memberships.firstForUser(user.id))?.org_id;
    if (!auditOrg) return;
    const event = auditEvent(auditOrg, { actorType: 'anonymous', actorId: null }, 'auth.sign_in_failed', { type: 'user', id: user.id }, meta, this.ctx.now(), {
      email: user.email,
      reason,
    });
    await this.ctx.storage.repos.audit.insertMany([event]);
  }
}
