import { AppError } from '../domain/app-error.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../domain/password-hash.js';
import type { Principal } from '../domain/principal.js';
import type { Role } from '../domain/roles.js';
import type { User } from '../domain/user.js';
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
    const cost = this.ctx.config.passwordHashCost;
    const email = input.email.trim().toLowerCase();
    const user = await this.ctx.storage.run((repos) => repos.users.findByEmail(email));
    const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? dummyPasswordHash(cost));
    // Looked up for unknown emails too, so the path's work does not depend on whether the account exists.
    const userId = user?.id ?? '';
    const chosen = await this.ctx.storage.run((repos) =>
      input.organizationId ? repos.memberships.find(input.organizationId, userId) : repos.memberships.firstForUser(userId),
    );
    if (!user || !passwordOk) {
      // The caller has proved nothing, so nothing is written into any organization: a stranger who knows a
      // member's email must not be able to fill that organization's audit log. The route logs it instead.
      throw signInFailure(user ? 'wrong_password' : 'unknown_email', user?.id ?? null);
    }
    if (!chosen) {
      await this.auditNotAMember(user, meta);
      throw signInFailure('not_a_member', user.id);
    }
    const orgId = chosen.orgId;
    const organization = await this.ctx.storage.run((repos) => repos.organizations.findById(orgId));
    if (!organization) throw signInFailure('not_a_member', user.id);
    // A hash made at an older, weaker cost is replaced now that the password is known to be right.
    const upgradedHash = needsRehash(user.passwordHash, cost) ? await hashPassword(input.password, cost) : null;
    const now = this.ctx.now();
    const expiresAt = now + this.ctx.config.sessionTtlMs;
    const secrets = this.authenticator.newSessionSecrets();
    await this.ctx.storage.run((repos) => repos.sessions.deleteExpired(now));
    await this.ctx.storage.transaction(async (tx) => {
      if (upgradedHash) await tx.users.setPasswordHash(user.id, upgradedHash);
      await tx.sessions.insert({ id: secrets.sessionId, userId: user.id, orgId, csrfDigest: secrets.csrfDigest, createdAt: now, expiresAt });
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
   * The password was right but the organization asked for is not one of the user's: the credential matched, so
   * the attempt is recorded in the user's own first organization, where its owners can see it; never the
   * password, and never in the organization asked for.
   */
  private async auditNotAMember(user: User, meta: RequestMeta): Promise<void> {
    const home = (await this.ctx.storage.run((repos) => repos.memberships.firstForUser(user.id)))?.orgId;
    if (!home) return;
    const event = auditEvent(home, { actorType: 'user', actorId: user.id }, 'auth.sign_in_failed', { type: 'user', id: user.id }, meta, this.ctx.now(), {
      email: user.email,
      reason: 'not_a_member',
    });
    await this.ctx.storage.run((repos) => repos.audit.insertMany([event]));
  }
}

/** Every failure answers alike; why it failed travels in `cause`, which is logged and never sent. */
function signInFailure(reason: 'wrong_password' | 'unknown_email' | 'not_a_member', userId: string | null): AppError {
  return new AppError('INVALID_SIGN_IN', { cause: { reason, userId } });
}
