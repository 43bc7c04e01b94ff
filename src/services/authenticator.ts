import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/app-error.js';
import { constantEquals } from '../domain/constant-equals.js';
import { limitsOf } from '../domain/grant-limits.js';
import { NO_LIMITS, type Principal } from '../domain/principal.js';
import { CREDENTIAL_KINDS } from '../domain/credential-kinds.js';
import { credentialState } from '../domain/credential-state.js';
import type { ResolvedKey } from '../ports/key-cache.js';
import type { CredentialResolver } from './credential-resolver.js';
import type { ServiceContext } from './service-context.js';

const CHALLENGE_INVALID = 'Bearer realm="latchkey", error="invalid_token"';

function authError(code: 'AUTH_INVALID' | 'AUTH_REVOKED' | 'AUTH_EXPIRED' | 'AUTH_DISABLED'): AppError {
  return new AppError(code, { headers: { 'www-authenticate': CHALLENGE_INVALID } });
}

/**
 * Resolves who is calling Latchkey's own API. Keys go through the same resolver as verification; sessions are
 * looked up by the digest of the cookie value, and the member's role is read fresh on every request.
 */
export class Authenticator {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolver: CredentialResolver,
  ) {}

  /** `recordUse: false` resolves without counting a use; the caller then counts it once it keeps the request. */
  async fromKey(secret: string, ip: string | null, recordUse = true): Promise<Principal> {
    const principal = this.principalOf(await this.resolver.resolve(secret), ip);
    if (recordUse) this.recordUse(principal.keyId!, principal.orgId);
    return principal;
  }

  /**
   * The same answer as `fromKey(secret, ip, false)` when it needs no storage (the key is cached, or the secret is
   * malformed), given synchronously; undefined when only storage can tell.
   */
  fromKnownKey(secret: string, ip: string | null): Principal | undefined {
    const resolved = this.resolver.resolveKnown(secret);
    return resolved === undefined ? undefined : this.principalOf(resolved, ip);
  }

  private principalOf(resolved: ResolvedKey | null, ip: string | null): Principal {
    const state = credentialState(resolved, this.ctx.now());
    if (state === 'unknown') throw authError('AUTH_INVALID');
    if (state === 'revoked') throw authError('AUTH_REVOKED');
    if (state === 'expired') throw authError('AUTH_EXPIRED');
    if (state === 'disabled') throw authError('AUTH_DISABLED');
    const { key, ownerRole, ipMatcher } = resolved!;
    if (ipMatcher && (ip === null || !ipMatcher(ip))) throw new AppError('IP_FORBIDDEN');
    return {
      kind: key.kind,
      orgId: key.orgId,
      userId: key.ownerUserId,
      keyId: key.id,
      role: CREDENTIAL_KINDS[key.kind].cappedByOwnerRole ? ownerRole : null,
      keyPermissions: key.permissions,
      projectIds: key.projectIds,
      expiresAt: key.expiresAt,
      limits: limitsOf(key),
    };
  }

  recordUse(keyId: string, orgId: string): void {
    this.ctx.usage.record(keyId, orgId, 'API', this.ctx.now(), true);
  }

  /** Returns the principal and whether `csrfToken` matches the session's; mutations must insist on it. */
  async fromSession(sessionToken: string, csrfToken: string | undefined): Promise<{ principal: Principal; csrfValid: boolean; sessionId: string }> {
    const now = this.ctx.now();
    const id = this.ctx.digest(`session:${sessionToken}`);
    const session = await this.ctx.storage.run((repos) => repos.sessions.findById(id));
    if (!session || session.expiresAt <= now) throw new AppError('AUTH_INVALID', { message: 'The session has ended; sign in again.' });
    const membership = await this.ctx.storage.run((repos) => repos.memberships.find(session.orgId, session.userId));
    if (!membership) throw new AppError('AUTH_INVALID', { message: 'The session has ended; sign in again.' });
    const csrfValid = csrfToken !== undefined && constantEquals(this.ctx.digest(`csrf:${csrfToken}`), session.csrfDigest);
    return {
      sessionId: id,
      csrfValid,
      principal: {
        kind: 'session',
        orgId: session.orgId,
        userId: session.userId,
        keyId: null,
        role: membership.role,
        keyPermissions: null,
        projectIds: null,
        expiresAt: null,
        limits: NO_LIMITS,
      },
    };
  }

  /** A new session's cookie value and CSRF token; only their digests are stored. */
  newSessionSecrets(): { sessionToken: string; csrfToken: string; sessionId: string; csrfDigest: string } {
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    return { sessionToken, csrfToken, sessionId: this.ctx.digest(`session:${sessionToken}`), csrfDigest: this.ctx.digest(`csrf:${csrfToken}`) };
  }
}
