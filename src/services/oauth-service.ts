import { JWT_MAX_LENGTH } from '../domain/jwt-shape.js';
import { createHmac, randomBytes } from 'node:crypto';
import type { ApiKey } from '../domain/api-key.js';
import { AppError } from '../domain/app-error.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { constantEquals } from '../domain/constant-equals.js';
import { credentialState } from '../domain/credential-state.js';
import { newId } from '../domain/ids.js';
import type { OAuthApplication, OAuthGrant, OAuthRefreshToken } from '../domain/oauth-application.js';
import { OAuthError } from '../domain/oauth-error.js';
import { isCodeChallenge, parseScope, pkceMatches, redirectUriMatches, redirectUriProblem } from '../domain/oauth-rules.js';
import { coveredByAny } from '../domain/permission-pattern.js';
import type { Principal } from '../domain/principal.js';
import { requirePermission } from '../domain/require-permission.js';
import { assertMayGrantRole } from '../domain/role-rules.js';
import { isRole, ROLE_GRANTS, type Role } from '../domain/roles.js';
import { displayStart, generateToken, parseToken } from '../domain/token-format.js';
import { VERIFY_PERMISSION } from '../domain/verify-permission.js';
import type { Repositories } from '../storage/repositories.js';
import { standingOf } from './actor-standing.js';
import { auditEvent } from './audit-event.js';
import type { CredentialResolver } from './credential-resolver.js';
import type { AccessTokenClaims, OAuthSigningKeys } from './oauth-signing-keys.js';
import type { PermissionCatalog } from './permission-catalog.js';
import type { RequestMeta } from './request-meta.js';
import { requireOrgWide } from './require-org-wide.js';
import { serverKeySource } from './server-keys.js';
import type { ServiceContext } from './service-context.js';

const READ = 'latchkey:oauth:read';
const WRITE = 'latchkey:oauth:write';
/** RFC 6749 §4.1.2 recommends at most 10 minutes; ASVS L3 asks for 1. */
export const CODE_TTL_MS = 60_000;
const MAX_REDIRECT_URIS = 20;
/** How long a rendered consent page may be submitted. */
const CONSENT_TTL_MS = 10 * 60_000;
const MAX_SCOPES = 100;
const DAY = 86_400_000;
const MAX_GRACE_MS = 30 * DAY;

export interface ApplicationInput {
  name: string;
  description?: string;
  homepage?: string | null;
  redirectUris: string[];
  scopes: string[];
  clientType?: 'confidential' | 'public';
  accessTokenFormat?: 'opaque' | 'jwt';
}

export type ApplicationPatchInput = Partial<Omit<ApplicationInput, 'clientType'>>;

type Signer = (claims: AccessTokenClaims) => Promise<string>;

/** How the token endpoint issues for one request: the issuer it answers as (RFC 8414, names a JWT's `iss`). */
export interface IssueContext {
  issuer: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** What the client presented to authenticate at the token, revocation and introspection endpoints. */
export interface ClientAuth {
  clientId: string;
  clientSecret: string | null;
}

/** The parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), as received. */
export interface AuthorizationParams {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

export type AuthorizationCheck =
  /** No redirect may be made: the client or the redirect URI cannot be trusted (RFC 6749 §4.1.2.1). */
  | { outcome: 'error_page'; message: string }
  | { outcome: 'redirect_error'; redirectUri: string; error: string; description: string; state: string | undefined }
  | {
      outcome: 'consent';
      app: OAuthApplication;
      redirectUri: string;
      state: string | undefined;
      codeChallenge: string;
      /** The scopes the consent would grant, in words, and those dropped because the user's role lacks them. */
      granted: Array<{ name: string; description: string }>;
      dropped: string[];
      organizationName: string;
      userEmail: string;
    };

export interface IntrospectionResult {
  active: boolean;
  [field: string]: unknown;
}

export interface BulkClientResult {
  id: string;
  outcome: 'deleted' | 'regenerated' | 'not_found';
  clientSecret?: string;
}

function oauthError(error: ConstructorParameters<typeof OAuthError>[0], description: string): OAuthError {
  return new OAuthError(error, description);
}

/** 32 hex characters, upper case, as Xray shows its client ids (seed 003). Not a secret. */
function newClientId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/**
 * OAuth 2.0 for applications acting for users, and per-user client credentials (docs/oauth.md). Access tokens are
 * credentials of kind `oauth_token`: api_keys rows with their digest in key_secrets, so they are verified, cached,
 * invalidated and capped by their user's current role exactly as personal tokens are. Refresh tokens, codes and
 * client secrets are stored as digests in their own tables and are never accepted as Bearer credentials.
 */
export class OAuthService {
  private readonly consentKey: () => Promise<Buffer>;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly catalog: PermissionCatalog,
    private readonly resolver: CredentialResolver,
    private readonly signingKeys: OAuthSigningKeys,
  ) {
    this.consentKey = serverKeySource('oauth-consent-hmac-v1', ctx.config.pepper, ctx.storage, ctx.now);
  }

  /**
   * The consent form's CSRF token: an HMAC, under a server key, of the session and every parameter of the
   * request shown, with an expiry. Only the page Latchkey rendered for this session can approve, and only what it showed.
   */
  async consentToken(sessionId: string, params: AuthorizationParams): Promise<string> {
    const expires = this.ctx.now() + CONSENT_TTL_MS;
    return `${expires}.${await this.consentMac(sessionId, params, expires)}`;
  }

  async consentTokenValid(sessionId: string, params: AuthorizationParams, token: string | undefined): Promise<boolean> {
    if (token === undefined) return false;
    const dot = token.indexOf('.');
    const expires = Number(token.slice(0, dot));
    if (dot < 1 || !Number.isSafeInteger(expires) || expires <= this.ctx.now()) return false;
    return constantEquals(token.slice(dot + 1), await this.consentMac(sessionId, params, expires));
  }

  private async consentMac(sessionId: string, params: AuthorizationParams, expires: number): Promise<string> {
    const fields = [sessionId, expires, params.response_type, params.client_id, params.redirect_uri, params.scope, params.state, params.code_challenge, params.code_challenge_method];
    return createHmac('sha256', await this.consentKey()).update(JSON.stringify(fields)).digest('base64url');
  }

  // ---------------------------------------------------------------- management: applications

  async createApplication(principal: Principal, input: ApplicationInput, meta: RequestMeta): Promise<{ app: OAuthApplication; clientSecret: string | null }> {
    assertManager(principal);
    const now = this.ctx.now();
    const redirectUris = checkRedirectUris(input.redirectUris);
    const scopes = await this.checkScopes(principal.orgId, input.scopes);
    const clientType = input.clientType ?? 'confidential';
    const app: OAuthApplication = {
      id: newId('oap'),
      orgId: principal.orgId,
      clientId: newClientId(),
      name: checkName(input.name),
      description: input.description ?? '',
      homepage: checkHomepage(input.homepage ?? null),
      redirectUris,
      allowedScopes: scopes,
      clientType,
      accessTokenFormat: input.accessTokenFormat ?? 'opaque',
      userId: null,
      enabled: true,
      createdBy: principal.kind === 'session' ? { type: 'user', id: principal.userId! } : { type: 'key', id: principal.keyId! },
      createdAt: now,
      updatedAt: now,
    };
    const secret = clientType === 'confidential' ? generateToken(this.ctx.config.tokenFormat, 'secret') : null;
    await this.ctx.storage.transaction(async (tx) => {
      await tx.oauth.insertApplication(app, secret === null ? null : this.ctx.digest(secret));
      await tx.audit.insertMany([auditEvent(app.orgId, principal, 'oauth_app.created', { type: 'oauth_app', id: app.id }, meta, now, { name: app.name, clientId: app.clientId, clientType, scopes })]);
    });
    return { app, clientSecret: secret };
  }

  async listApplications(principal: Principal, options: { search?: string; offset: number; limit: number }): Promise<{ items: OAuthApplication[]; total: number }> {
    requirePermission(principal, READ);
    return this.ctx.storage.run((repos) => repos.oauth.listApplications(principal.orgId, false, options));
  }

  async getApplication(principal: Principal, id: string): Promise<OAuthApplication> {
    requirePermission(principal, READ);
    const app = await this.ctx.storage.run((repos) => repos.oauth.findApplication(principal.orgId, id));
    if (!app || app.userId !== null) throw new AppError('NOT_FOUND');
    return app;
  }

  async updateApplication(principal: Principal, id: string, input: ApplicationPatchInput, meta: RequestMeta): Promise<OAuthApplication> {
    assertManager(principal);
    const now = this.ctx.now();
    const patch = {
      ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.homepage !== undefined ? { homepage: checkHomepage(input.homepage) } : {}),
      ...(input.redirectUris !== undefined ? { redirectUris: checkRedirectUris(input.redirectUris) } : {}),
      ...(input.scopes !== undefined ? { allowedScopes: await this.checkScopes(principal.orgId, input.scopes) } : {}),
      // Tokens already issued keep their format; the next ones take the new one.
      ...(input.accessTokenFormat !== undefined ? { accessTokenFormat: input.accessTokenFormat } : {}),
      updatedAt: now,
    };
    const narrowed = await this.ctx.storage.transaction(async (tx) => {
      const app = await loadApplication(tx, principal.orgId, id, false);
      await tx.oauth.updateApplication(app.orgId, id, patch);
      await tx.audit.insertMany([auditEvent(app.orgId, principal, 'oauth_app.updated', { type: 'oauth_app', id }, meta, now, { fields: Object.keys(patch).filter((f) => f !== 'updatedAt') })]);
      // Narrowing what an application may ask for ends what it already holds: its tokens could carry a scope it
      // may no longer ask for, so they are revoked and its users authorize again.
      if (patch.allowedScopes === undefined || patch.allowedScopes.every((s) => app.allowedScopes.includes(s)) && app.allowedScopes.every((s) => patch.allowedScopes!.includes(s))) return [];
      return this.revokeEverything(tx, [app], now);
    });
    return this.getApplication(principal, id);
  }

  async setApplicationEnabled(principal: Principal, id: string, enabled: boolean, meta: RequestMeta): Promise<OAuthApplication> {
    assertManager(principal);
    const now = this.ctx.now();
    const revoked = await this.ctx.storage.transaction(async (tx) => {
      const app = await loadApplication(tx, principal.orgId, id, false);
      if (app.enabled === enabled) return [];
      await tx.oauth.updateApplication(app.orgId, id, { enabled, updatedAt: now });
      await tx.audit.insertMany([auditEvent(app.orgId, principal, enabled ? 'oauth_app.enabled' : 'oauth_app.disabled', { type: 'oauth_app', id }, meta, now)]);
      // Disabling is a kill switch: every token issued to the application ends now, and re-enabling does not revive them.
      return enabled ? [] : this.revokeEverything(tx, [app], now);
    });
    return this.getApplication(principal, id);
  }

  async regenerateApplicationSecret(principal: Principal, id: string, graceMs: number, meta: RequestMeta): Promise<{ app: OAuthApplication; clientSecret: string }> {
    assertManager(principal);
    const grace = checkGrace(graceMs);
    const now = this.ctx.now();
    const secret = generateToken(this.ctx.config.tokenFormat, 'secret');
    const app = await this.ctx.storage.transaction(async (tx) => {
      const app = await loadApplication(tx, principal.orgId, id, false);
      if (app.clientType === 'public') throw new AppError('VALIDATION_FAILED', { message: 'A public client has no secret.', details: { field: 'clientType' } });
      await tx.oauth.retireSecrets(app.id, grace === 0 ? null : now + grace);
      await tx.oauth.addSecret(app.id, this.ctx.digest(secret), now);
      await tx.audit.insertMany([auditEvent(app.orgId, principal, 'oauth_app.secret_regenerated', { type: 'oauth_app', id }, meta, now, { graceMs: grace })]);
      return app;
    });
    return { app, clientSecret: secret };
  }

  async deleteApplication(principal: Principal, id: string, meta: RequestMeta): Promise<void> {
    assertManager(principal);
    const now = this.ctx.now();
    const revoked = await this.ctx.storage.transaction(async (tx) => {
      const app = await loadApplication(tx, principal.orgId, id, false);
      const keyIds = await this.revokeEverything(tx, [app], now);
      await tx.keys.deleteMany(app.orgId, keyIds);
      await tx.oauth.deleteApplications(app.orgId, [app.id]);
      await tx.audit.insertMany([auditEvent(app.orgId, principal, 'oauth_app.deleted', { type: 'oauth_app', id }, meta, now, { name: app.name, clientId: app.clientId })]);
      return keyIds;
    });
  }

  // ---------------------------------------------------------------- management: per-user client credentials (seed 003)

  async createUserCredential(principal: Principal, userId: string, meta: RequestMeta): Promise<{ app: OAuthApplication; clientSecret: string }> {
    assertManager(principal);
    const now = this.ctx.now();
    const secret = generateToken(this.ctx.config.tokenFormat, 'secret');
    const app = await this.ctx.storage.transaction(
      async (tx) => {
        await tx.organizations.lockForUpdate(principal.orgId);
        const member = await tx.memberships.find(principal.orgId, userId);
        if (!member || !isRole(member.role)) throw new AppError('NOT_FOUND', { message: 'No member of this organization has that id.' });
        await assertMayActFor(tx, principal, member.role, now);
        if (await tx.oauth.findUserCredential(principal.orgId, userId)) throw new AppError('CLIENT_CREDENTIAL_EXISTS', { details: { userId } });
        const app: OAuthApplication = {
          id: newId('oap'),
          orgId: principal.orgId,
          clientId: newClientId(),
          name: member.email,
          description: '',
          homepage: null,
          redirectUris: [],
          allowedScopes: ['*'],
          clientType: 'confidential',
          accessTokenFormat: 'opaque',
          userId,
          enabled: true,
          createdBy: principal.kind === 'session' ? { type: 'user', id: principal.userId! } : { type: 'key', id: principal.keyId! },
          createdAt: now,
          updatedAt: now,
        };
        await tx.oauth.insertApplication(app, this.ctx.digest(secret));
        await tx.audit.insertMany([auditEvent(app.orgId, principal, 'oauth_client.created', { type: 'oauth_client', id: app.id }, meta, now, { userId, clientId: app.clientId })]);
        return app;
      },
      () => new AppError('CLIENT_CREDENTIAL_EXISTS', { details: { userId } }),
    );
    return { app, clientSecret: secret };
  }

  async listUserCredentials(principal: Principal, options: { search?: string; offset: number; limit: number }): Promise<{ items: OAuthApplication[]; total: number }> {
    requirePermission(principal, READ);
    return this.ctx.storage.run((repos) => repos.oauth.listApplications(principal.orgId, true, options));
  }

  async getUserCredential(principal: Principal, id: string): Promise<OAuthApplication> {
    requirePermission(principal, READ);
    const app = await this.ctx.storage.run((repos) => repos.oauth.findApplication(principal.orgId, id));
    if (!app || app.userId === null) throw new AppError('NOT_FOUND');
    return app;
  }

  /**
   * Regenerates or deletes per-user client credentials, each judged on its own (a result per item): an unknown id,
   * or one of another organization, is `not_found`; one whose user the caller could not act for fails the whole
   * request (403), since that is a rule broken, not an item missing.
   */
  async bulkUserCredentials(principal: Principal, action: 'delete' | 'regenerate', ids: readonly string[], meta: RequestMeta): Promise<BulkClientResult[]> {
    assertManager(principal);
    const unique = [...new Set(ids)];
    if (unique.length > this.ctx.config.bulkMax) throw new AppError('BULK_LIMIT_EXCEEDED', { details: { max: this.ctx.config.bulkMax } });
    const now = this.ctx.now();
    const { results, revoked } = await this.ctx.storage.transaction(async (tx) => {
      await tx.organizations.lockForUpdate(principal.orgId);
      const found = new Map((await tx.oauth.findApplicationsByIds(principal.orgId, unique)).filter((a) => a.userId !== null).map((a) => [a.id, a]));
      for (const app of found.values()) {
        const member = await tx.memberships.find(app.orgId, app.userId!);
        if (member && isRole(member.role)) await assertMayActFor(tx, principal, member.role, now);
      }
      const results: BulkClientResult[] = [];
      const events: AuditEvent[] = [];
      const apps = [...found.values()];
      let revoked: string[] = [];
      if (action === 'delete') {
        revoked = await this.revokeEverything(tx, apps, now);
        await tx.keys.deleteMany(principal.orgId, revoked);
        await tx.oauth.deleteApplications(principal.orgId, apps.map((a) => a.id));
      }
      for (const id of unique) {
        const app = found.get(id);
        if (!app) {
          results.push({ id, outcome: 'not_found' });
          continue;
        }
        if (action === 'delete') {
          results.push({ id, outcome: 'deleted' });
          events.push(auditEvent(app.orgId, principal, 'oauth_client.deleted', { type: 'oauth_client', id }, meta, now, { userId: app.userId, bulk: true }));
        } else {
          const secret = generateToken(this.ctx.config.tokenFormat, 'secret');
          await tx.oauth.retireSecrets(app.id, null);
          await tx.oauth.addSecret(app.id, this.ctx.digest(secret), now);
          results.push({ id, outcome: 'regenerated', clientSecret: secret });
          events.push(auditEvent(app.orgId, principal, 'oauth_client.secret_regenerated', { type: 'oauth_client', id }, meta, now, { userId: app.userId, bulk: true }));
        }
      }
      await tx.audit.insertMany(events);
      return { results, revoked };
    });
    return results;
  }

  // ---------------------------------------------------------------- management: grants

  /** The caller's own authorized applications, or (`all`, with latchkey:oauth:read) every grant of the organization. */
  async listGrants(principal: Principal, all: boolean): Promise<Array<{ grant: OAuthGrant; app: OAuthApplication }>> {
    if (all) requirePermission(principal, READ);
    else if (principal.userId === null) throw new AppError('PERMISSION_DENIED', { message: 'Only a user has grants of its own; ask for all=true.', details: { required: 'user' } });
    return this.ctx.storage.run(async (repos) => {
      const grants = await repos.oauth.listGrants(principal.orgId, all ? null : principal.userId);
      const out: Array<{ grant: OAuthGrant; app: OAuthApplication }> = [];
      for (const grant of grants) {
        const app = await repos.oauth.findApplication(principal.orgId, grant.appId);
        if (app) out.push({ grant, app });
      }
      return out;
    });
  }

  /** A user revokes their own grant; someone allowed latchkey:oauth:write revokes anyone's. Others' are 404. */
  async revokeGrant(principal: Principal, id: string, meta: RequestMeta): Promise<void> {
    const now = this.ctx.now();
    const revoked = await this.ctx.storage.transaction(async (tx) => {
      const grant = await tx.oauth.findGrant(principal.orgId, id, true);
      const own = grant !== null && grant.userId === principal.userId;
      if (!grant || grant.revokedAt !== null || (!own && !canManage(principal))) throw new AppError('NOT_FOUND');
      const keyIds = await this.revokeGrantIn(tx, grant, now);
      await tx.audit.insertMany([auditEvent(grant.orgId, principal, 'oauth_grant.revoked', { type: 'oauth_grant', id }, meta, now, { appId: grant.appId, userId: grant.userId })]);
      return keyIds;
    });
  }

  // ---------------------------------------------------------------- authorization endpoint

  /**
   * Judges an authorization request for a signed-in user (RFC 6749 §4.1.1). The client and the redirect URI are
   * checked first and, if either is wrong, nothing is redirected anywhere; every later error goes back to the
   * client's redirect URI with `state`. An application of another organization is an unknown client.
   */
  async checkAuthorization(principal: Principal, params: AuthorizationParams): Promise<AuthorizationCheck> {
    const app = params.client_id ? await this.ctx.storage.run((repos) => repos.oauth.findByClientId(params.client_id!)) : null;
    if (!app || app.orgId !== principal.orgId) return { outcome: 'error_page', message: 'The application asking for access is not registered here (unknown client_id).' };
    if (params.redirect_uri === undefined) return { outcome: 'error_page', message: 'The request names no redirect_uri.' };
    if (!redirectUriMatches(app.redirectUris, params.redirect_uri)) return { outcome: 'error_page', message: 'The redirect_uri is not one this application registered.' };
    const redirect = (error: string, description: string): AuthorizationCheck => ({ outcome: 'redirect_error', redirectUri: params.redirect_uri!, error, description, state: params.state });
    if (!app.enabled || app.userId !== null) return redirect('unauthorized_client', 'This client may not use the authorization code grant.');
    if (params.response_type !== 'code') return redirect('unsupported_response_type', 'Only response_type=code is supported.');
    if (params.code_challenge === undefined) return redirect('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
    if (params.code_challenge_method !== 'S256') return redirect('invalid_request', 'Only code_challenge_method=S256 is supported.');
    if (!isCodeChallenge(params.code_challenge)) return redirect('invalid_request', 'code_challenge is not a base64url SHA-256 digest.');
    const requested = parseScope(params.scope);
    if (requested === null) return redirect('invalid_scope', 'The scope is malformed.');
    // No scope asks for everything the application may ask for (RFC 6749 §3.3 lets the server pick the default).
    const scopes = requested.length === 0 ? app.allowedScopes : requested;
    if (scopes.length > MAX_SCOPES || scopes.some((s) => !app.allowedScopes.includes(s))) return redirect('invalid_scope', 'A requested scope is not one this application may ask for.');
    const role = principal.role;
    if (role === null) return { outcome: 'error_page', message: 'Sign in as a member of the organization first.' };
    const entries = new Map((await this.catalog.entries(principal.orgId)).map((e) => [e.name, e.description]));
    const [org, member] = await this.ctx.storage.run(async (repos) => [await repos.organizations.findById(app.orgId), await repos.memberships.find(app.orgId, principal.userId!)] as const);
    const grantable = scopes.filter((s) => coveredByAny(ROLE_GRANTS[role], s));
    if (grantable.length === 0) return redirect('invalid_scope', 'Your role grants none of the requested scopes.');
    return {
      outcome: 'consent',
      app,
      redirectUri: params.redirect_uri,
      state: params.state,
      codeChallenge: params.code_challenge,
      granted: grantable.map((name) => ({ name, description: entries.get(name) ?? (name === '*' ? 'Everything your role allows.' : name) })),
      dropped: scopes.filter((s) => !grantable.includes(s)),
      organizationName: org?.name ?? '',
      userEmail: member?.email ?? '',
    };
  }

  /** The user approved: records the grant and issues a code bound to client, redirect URI, user and challenge. */
  async approve(principal: Principal, params: AuthorizationParams, meta: RequestMeta): Promise<{ redirectUri: string; code: string; state: string | undefined } | AuthorizationCheck> {
    const check = await this.checkAuthorization(principal, params);
    if (check.outcome !== 'consent') return check;
    const now = this.ctx.now();
    const code = randomBytes(32).toString('base64url');
    const scopes = check.granted.map((g) => g.name);
    await this.ctx.storage.transaction(async (tx) => {
      const grant = await tx.oauth.findLiveGrant(check.app.id, principal.userId!, true);
      if (grant) {
        await tx.oauth.updateGrantScopes(grant.id, [...new Set([...grant.scopes, ...scopes])], now);
      } else {
        const id = newId('ogr');
        await tx.oauth.insertGrant({ id, orgId: check.app.orgId, appId: check.app.id, userId: principal.userId!, scopes, createdAt: now, updatedAt: now, revokedAt: null });
        await tx.audit.insertMany([auditEvent(check.app.orgId, principal, 'oauth_grant.created', { type: 'oauth_grant', id }, meta, now, { appId: check.app.id, scopes })]);
      }
      await tx.oauth.insertCode(this.ctx.digest(`oauth-code:${code}`), {
        orgId: check.app.orgId,
        appId: check.app.id,
        userId: principal.userId!,
        familyId: newId('ort'),
        redirectUri: check.redirectUri,
        scopes,
        codeChallenge: check.codeChallenge,
        createdAt: now,
        expiresAt: now + CODE_TTL_MS,
        usedAt: null,
      });
    });
    return { redirectUri: check.redirectUri, code, state: check.state };
  }

  // ---------------------------------------------------------------- token endpoint

  /**
   * Client authentication (RFC 6749 §2.3.1): a confidential client by its secret, a public client by its id alone
   * (it may then only redeem codes, where PKCE stands in for the secret). Every failure is the same
   * `invalid_client`, so the answer does not tell which part was wrong.
   */
  async authenticateClient(auth: ClientAuth): Promise<OAuthApplication> {
    const fail = () => oauthError('invalid_client', 'Client authentication failed.');
    if (auth.clientSecret !== null) {
      if (parseToken(auth.clientSecret, this.ctx.config.tokenFormat) === null) throw fail();
      const found = await this.ctx.storage.run((repos) => repos.oauth.findBySecretDigest(this.ctx.digest(auth.clientSecret!)));
      if (!found || !constantEquals(found.app.clientId, auth.clientId)) throw fail();
      if (found.secretExpiresAt !== null && found.secretExpiresAt <= this.ctx.now()) throw fail();
      if (!found.app.enabled) throw fail();
      return found.app;
    }
    const app = await this.ctx.storage.run((repos) => repos.oauth.findByClientId(auth.clientId));
    if (!app || app.clientType !== 'public' || !app.enabled) throw fail();
    return app;
  }

  async exchangeCode(app: OAuthApplication, input: { code?: string; redirectUri?: string; codeVerifier?: string }, meta: RequestMeta, issue: IssueContext = this.defaultIssue()): Promise<TokenResponse> {
    if (!input.code) throw oauthError('invalid_request', 'code is required.');
    if (!input.redirectUri) throw oauthError('invalid_request', 'redirect_uri is required.');
    if (!input.codeVerifier) throw oauthError('invalid_request', 'code_verifier is required (PKCE).');
    const signer = await this.signerFor(app);
    const now = this.ctx.now();
    const digest = this.ctx.digest(`oauth-code:${input.code}`);
    const outcome = await this.ctx.storage.transaction(async (tx): Promise<GrantOutcome> => {
      const code = await tx.oauth.findCode(digest);
      if (!code) return { error: 'The code is not valid.' };
      if (!(await tx.oauth.spendCode(digest, now))) {
        // A second redemption: whoever holds the code may be an attacker, so everything issued from it ends
        // (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
        const keyIds = await this.revokeFamily(tx, code.orgId, code.familyId, now);
        await tx.audit.insertMany([auditEvent(code.orgId, { actorType: 'system', actorId: null }, 'oauth_code.replayed', { type: 'oauth_app', id: code.appId }, meta, now, { userId: code.userId, revokedTokens: keyIds.length })]);
        return { error: 'The code has already been used.', keyIds };
      }
      if (code.expiresAt <= now) return { error: 'The code has expired.' };
      if (code.appId !== app.id) return { error: 'The code was issued to another client.' };
      if (code.redirectUri !== input.redirectUri) return { error: 'redirect_uri differs from the authorization request.' };
      if (!pkceMatches(input.codeVerifier!, code.codeChallenge)) return { error: 'code_verifier does not match the code_challenge.' };
      const grant = await tx.oauth.findLiveGrant(app.id, code.userId, true);
      const role = await roleOf(tx, code.orgId, code.userId);
      if (!grant || role === null) return { error: 'The authorization has been revoked.' };
      return { tokens: await this.issue(tx, { app, issuer: issue.issuer, signer }, code.userId, grant, code.familyId, code.scopes, now, now + this.ctx.config.oauth.refreshTokenTtlMs) };
    });
    if ('error' in outcome) {
      throw oauthError('invalid_grant', outcome.error);
    }
    if ('scopeError' in outcome) throw oauthError('invalid_scope', 'The scope is not valid.');
    return outcome.tokens;
  }

  async refresh(app: OAuthApplication, input: { refreshToken?: string; scope?: string }, meta: RequestMeta, issue: IssueContext = this.defaultIssue()): Promise<TokenResponse> {
    if (!input.refreshToken) throw oauthError('invalid_request', 'refresh_token is required.');
    const requested = parseScope(input.scope);
    if (requested === null) throw oauthError('invalid_scope', 'The scope is malformed.');
    if (parseToken(input.refreshToken, this.ctx.config.tokenFormat) === null) throw oauthError('invalid_grant', 'The refresh token is not valid.');
    const signer = await this.signerFor(app);
    const now = this.ctx.now();
    const digest = this.ctx.digest(input.refreshToken);
    const outcome = await this.ctx.storage.transaction(async (tx): Promise<GrantOutcome> => {
      const token = await tx.oauth.findRefreshToken(digest, true);
      if (!token || token.appId !== app.id) return { error: 'The refresh token is not valid.' };
      if (token.revokedAt !== null) return { error: 'The refresh token has been revoked.' };
      const scopes = requested.length === 0 ? token.scopes : requested;
      const reused = token.rotatedAt !== null;
      // Expiry and scope are judged before rotating, so a refused request leaves the token as it was.
      if (!reused && (token.familyExpiresAt <= now || token.createdAt + this.ctx.config.oauth.refreshIdleTtlMs <= now)) return { error: 'The refresh token has expired.' };
      if (!reused && scopes.some((s) => !token.scopes.includes(s))) return { scopeError: true };
      if (reused || !(await tx.oauth.rotateRefreshToken(digest, now))) {
        // Reuse of a rotated token (RFC 9700 §4.14.2): the legitimate client and an attacker now hold the same
        // chain, and the server cannot tell which is which, so the whole grant ends.
        const grant = await tx.oauth.findGrant(token.orgId, token.grantId, true);
        const keyIds = grant ? await this.revokeGrantIn(tx, grant, now) : [];
        await tx.audit.insertMany([auditEvent(token.orgId, { actorType: 'system', actorId: null }, 'oauth_refresh.reused', { type: 'oauth_grant', id: token.grantId }, meta, now, { appId: token.appId, revokedTokens: keyIds.length })]);
        return { error: 'The refresh token has already been used; the grant is revoked.', keyIds };
      }
      const grant = await tx.oauth.findGrant(token.orgId, token.grantId, true);
      const user = grant?.userId;
      if (!grant || grant.revokedAt !== null || !user || (await roleOf(tx, token.orgId, user)) === null) return { error: 'The authorization has been revoked.' };
      return { tokens: await this.issue(tx, { app, issuer: issue.issuer, signer }, user, grant, token.familyId, scopes, now, token.familyExpiresAt) };
    });
    if ('scopeError' in outcome) throw oauthError('invalid_scope', 'A refresh may narrow the scope but never widen it.');
    if ('error' in outcome) {
      throw oauthError('invalid_grant', outcome.error);
    }
    return outcome.tokens;
  }

  /**
   * client_credentials (RFC 6749 §4.4) is for per-user client credentials only: the token acts for that user under
   * their current role. A registered application has no rights of its own to act with, so it is refused.
   */
  async clientCredentials(app: OAuthApplication, input: { scope?: string }, issue: IssueContext = this.defaultIssue()): Promise<TokenResponse> {
    if (app.userId === null) throw oauthError('unauthorized_client', 'This client may not use the client_credentials grant.');
    const requested = parseScope(input.scope);
    if (requested === null) throw oauthError('invalid_scope', 'The scope is malformed.');
    const now = this.ctx.now();
    const scopes = requested.length === 0 ? app.allowedScopes : requested;
    if (scopes.length > MAX_SCOPES) throw oauthError('invalid_scope', 'Too many scopes.');
    const catalog = new Set((await this.catalog.entries(app.orgId)).map((e) => e.name));
    const signer = await this.signerFor(app);
    return this.ctx.storage.transaction(async (tx) => {
      const role = await roleOf(tx, app.orgId, app.userId!);
      if (role === null) throw oauthError('invalid_grant', 'The user this client acts for is no longer a member.');
      // No scope: the token acts as its user, `*` capped by the user's role at every request (like a personal
      // token made without permissions). Named scopes must each be known and held by the role now.
      if (requested.length > 0 && scopes.some((s) => !coveredByAny(ROLE_GRANTS[role], s) || (s !== '*' && !catalog.has(s)))) throw oauthError('invalid_scope', 'A requested scope is unknown or beyond what the user holds.');
      return this.issue(tx, { app, issuer: issue.issuer, signer }, app.userId!, null, null, scopes, now, null);
    });
  }

  // ---------------------------------------------------------------- revocation and introspection

  /**
   * RFC 7009: a token of this client is revoked (a refresh token takes its whole family of access tokens with it);
   * an unknown token, or another client's, gets the same 200, so the endpoint is no oracle.
   */
  async revokeToken(app: OAuthApplication, token: string | undefined, meta: RequestMeta): Promise<void> {
    if (!token) throw oauthError('invalid_request', 'token is required.');
    if (!this.resolver.mayBeCredential(token)) return;
    const now = this.ctx.now();
    const digest = this.ctx.digest(token);
    await this.ctx.storage.transaction(async (tx) => {
      const refresh = await tx.oauth.findRefreshToken(digest, true);
      if (refresh) {
        if (refresh.appId !== app.id) return [];
        return this.revokeFamily(tx, refresh.orgId, refresh.familyId, now);
      }
      const found = await tx.keys.findByDigest(digest);
      if (!found || found.key.kind !== 'oauth_token' || found.key.revokedAt !== null) return [];
      const link = await tx.oauth.linkOf(found.key.id);
      if (!link || link.appId !== app.id) return [];
      await this.revokeKeys(tx, found.key.orgId, [found.key.id], now);
      await tx.audit.insertMany([auditEvent(found.key.orgId, { actorType: 'system', actorId: null }, 'token.revoked', { type: 'token', id: found.key.id }, meta, now, { reason: 'oauth_revocation', appId: app.id })]);
      return [found.key.id];
    });
  }

  /**
   * RFC 7662 for an authenticated client (its own tokens) or a credential holding latchkey:keys:verify (any OAuth
   * token of its organization). Anything else, of whatever reason, is exactly `{ active: false }`.
   */
  async introspect(caller: { app: OAuthApplication } | { principal: Principal }, token: string | undefined): Promise<IntrospectionResult> {
    if (!token) throw oauthError('invalid_request', 'token is required.');
    if ('principal' in caller) requirePermission(caller.principal, VERIFY_PERMISSION);
    const inactive: IntrospectionResult = { active: false };
    if (!this.resolver.mayBeCredential(token)) return inactive;
    const orgId = 'app' in caller ? caller.app.orgId : caller.principal.orgId;
    const now = this.ctx.now();
    const mayView = (appId: string) => !('app' in caller) || caller.app.id === appId;
    const digest = this.ctx.digest(token);
    const refresh = await this.ctx.storage.run((repos) => repos.oauth.findRefreshToken(digest));
    if (refresh) {
      if (refresh.orgId !== orgId || !mayView(refresh.appId) || !refreshActive(refresh, now, this.ctx.config.oauth.refreshIdleTtlMs)) return inactive;
      const [app, grant] = await this.ctx.storage.run(async (repos) => [await repos.oauth.findApplication(orgId, refresh.appId), await repos.oauth.findGrant(orgId, refresh.grantId)] as const);
      if (!app || !app.enabled || !grant || grant.revokedAt !== null) return inactive;
      return { active: true, token_type: 'refresh_token', client_id: app.clientId, sub: grant.userId, scope: refresh.scopes.join(' '), iat: seconds(refresh.createdAt), exp: seconds(Math.min(refresh.familyExpiresAt, refresh.createdAt + this.ctx.config.oauth.refreshIdleTtlMs)) };
    }
    // The same resolver, cache and state rules as every other Bearer credential.
    const resolved = await this.resolver.resolve(token);
    if (!resolved || resolved.key.kind !== 'oauth_token' || resolved.key.orgId !== orgId || credentialState(resolved, now) !== 'valid') return inactive;
    const link = await this.ctx.storage.run((repos) => repos.oauth.linkOf(resolved.key.id));
    if (!link || !mayView(link.appId)) return inactive;
    const app = await this.ctx.storage.run((repos) => repos.oauth.findApplication(orgId, link.appId));
    if (!app) return inactive;
    const role = resolved.ownerRole!;
    return {
      active: true,
      token_type: 'Bearer',
      client_id: app.clientId,
      sub: resolved.key.ownerUserId,
      // What the token can do now: its scopes as its user's current role allows them.
      scope: resolved.key.permissions.filter((s) => coveredByAny(ROLE_GRANTS[role], s)).join(' '),
      iat: seconds(resolved.key.createdAt),
      exp: seconds(resolved.key.expiresAt!),
      iss: this.ctx.config.oauth.issuer,
    };
  }

  // ---------------------------------------------------------------- internals

  private async checkScopes(orgId: string, scopes: readonly string[]): Promise<string[]> {
    if (scopes.length === 0) throw new AppError('VALIDATION_FAILED', { message: 'An application needs at least one scope.', details: { field: 'scopes' } });
    if (scopes.length > MAX_SCOPES) throw new AppError('VALIDATION_FAILED', { message: `At most ${MAX_SCOPES} scopes.`, details: { field: 'scopes' } });
    return this.catalog.validate(orgId, scopes);
  }

  private defaultIssue(): IssueContext {
    return { issuer: this.ctx.config.oauth.issuer ?? 'http://localhost' };
  }

  private async signerFor(app: OAuthApplication): Promise<Signer | null> {
    return app.accessTokenFormat === 'jwt' ? this.signingKeys.signer() : null;
  }

  /**
   * Issues an access token (and, with a grant, a refresh token of the same family) inside `tx`. A JWT access
   * token (RFC 9068) is a credential row like an opaque one, stored by the digest of the whole JWT, with the row's
   * id as `jti`: Latchkey resolves, caps and revokes it like any token, while a resource server may check it
   * offline against the JWKS until `exp`.
   */
  private async issue(tx: Repositories, issuing: { app: OAuthApplication; issuer: string; signer: Signer | null }, userId: string, grant: OAuthGrant | null, familyId: string | null, scopes: string[], now: number, familyExpiresAt: number | null): Promise<TokenResponse> {
    const { app, issuer, signer } = issuing;
    const format = this.ctx.config.tokenFormat;
    const ttl = this.ctx.config.oauth.accessTokenTtlMs;
    const id = newId('key');
    // Whole seconds, so the JWT's exp and the row's expiry are the same instant.
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.floor(ttl / 1000);
    const secret = signer
      ? await signer({ iss: issuer, sub: userId, aud: this.ctx.config.oauth.jwtAudience ?? issuer, client_id: app.clientId, scope: scopes.join(' '), iat, exp, jti: id })
      : generateToken(format, 'oauth');
    // Every endpoint that accepts a credential bounds a JWT's length; one longer would be issued and then refused.
    if (signer && secret.length > JWT_MAX_LENGTH) {
      throw oauthError('invalid_scope', `The granted scope makes a JWT access token longer than ${JWT_MAX_LENGTH} characters; ask for fewer scopes.`);
    }
    const key: ApiKey = {
      id,
      orgId: app.orgId,
      kind: 'oauth_token',
      tokenType: 'oauth',
      name: app.name.slice(0, 100),
      description: '',
      // A JWT's first characters are its (public) header, the same for every token: nothing to tell them apart by.
      start: signer ? 'at+jwt' : displayStart(secret),
      permissions: scopes,
      projectIds: null,
      ownerUserId: userId,
      createdBy: { type: 'system', id: app.id },
      createdAt: now,
      updatedAt: now,
      expiresAt: signer ? exp * 1000 : now + ttl,
      enabled: true,
      revokedAt: null,
      lastUsedAt: null,
      metadata: null,
      rateLimit: null,
      credits: null,
      ipRanges: null,
    };
    await tx.keys.insert(key, this.ctx.digest(secret));
    await tx.oauth.linkToken({ keyId: key.id, orgId: app.orgId, appId: app.id, grantId: grant?.id ?? null, familyId });
    const response: TokenResponse = { access_token: secret, token_type: 'Bearer', expires_in: Math.floor(ttl / 1000), scope: scopes.join(' ') };
    if (grant && familyId && familyExpiresAt !== null) {
      const refresh = generateToken(format, 'refresh');
      const token: OAuthRefreshToken = { id: newId('ort'), orgId: app.orgId, appId: app.id, grantId: grant.id, familyId, scopes, createdAt: now, familyExpiresAt, rotatedAt: null, revokedAt: null };
      await tx.oauth.insertRefreshToken(this.ctx.digest(refresh), token);
      response.refresh_token = refresh;
    }
    return response;
  }

  /**
   * Revokes live access tokens by id inside `tx` and records their invalidation in the same transaction (the one
   * way every OAuth revocation reaches every instance's cache); returns the ids.
   */
  private async revokeKeys(tx: Repositories, orgId: string, keyIds: readonly string[], now: number): Promise<string[]> {
    if (keyIds.length === 0) return [];
    const keys = await tx.keys.findManyByIds(orgId, keyIds, 'oauth_token');
    const live = keys.filter((k) => k.revokedAt === null).map((k) => k.id);
    await tx.keys.updateMany(orgId, live, { revokedAt: now, updatedAt: now });
    tx.invalidations.record({ type: 'keys', keyIds: [...keyIds] });
    return [...keyIds];
  }

  private async revokeFamily(tx: Repositories, orgId: string, familyId: string, now: number): Promise<string[]> {
    await tx.oauth.revokeRefreshFamily(familyId, now);
    return this.revokeKeys(tx, orgId, await tx.oauth.linkedKeyIds({ familyId }), now);
  }

  private async revokeGrantIn(tx: Repositories, grant: OAuthGrant, now: number): Promise<string[]> {
    await tx.oauth.revokeGrant(grant.id, now);
    return this.revokeKeys(tx, grant.orgId, await tx.oauth.linkedKeyIds({ grantId: grant.id }), now);
  }

  /** Every grant, refresh token and access token of these applications (all of one organization). */
  private async revokeEverything(tx: Repositories, apps: readonly OAuthApplication[], now: number): Promise<string[]> {
    if (apps.length === 0) return [];
    const orgId = apps[0]!.orgId;
    for (const app of apps) {
      for (const grant of await tx.oauth.listGrantsOfApp(app.id)) await tx.oauth.revokeGrant(grant.id, now);
    }
    return this.revokeKeys(tx, orgId, await tx.oauth.linkedKeyIds({ appIds: apps.map((a) => a.id) }), now);
  }

}

/** What a grant exchange decided inside its transaction; errors are thrown after it commits what they revoked. */
type GrantOutcome = { tokens: TokenResponse } | { error: string; keyIds?: string[] } | { scopeError: true };

function refreshActive(token: OAuthRefreshToken, now: number, idleMs: number): boolean {
  return token.revokedAt === null && token.rotatedAt === null && token.familyExpiresAt > now && token.createdAt + idleMs > now;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

async function roleOf(tx: Repositories, orgId: string, userId: string): Promise<Role | null> {
  const member = await tx.memberships.find(orgId, userId);
  return member && isRole(member.role) ? member.role : null;
}

function canManage(principal: Principal): boolean {
  try {
    assertManager(principal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Managing OAuth clients needs latchkey:oauth:write across the whole organization, and is never done by an OAuth
 * access token: an application must not be able to register applications or mint credentials for users.
 */
function assertManager(principal: Principal): void {
  requirePermission(principal, WRITE);
  requireOrgWide(principal, 'manage OAuth clients');
  if (principal.kind === 'oauth_token') {
    throw new AppError('PERMISSION_DENIED', { message: 'An OAuth access token cannot manage OAuth clients.', details: { required: 'user' } });
  }
}

/**
 * Whoever holds a per-user client credential acts as that user, so handing one out (or a new secret for it) is
 * granting that user's role: the caller must be able to grant the role itself (role-rules.ts), judged as it
 * stands now, inside the transaction.
 */
async function assertMayActFor(tx: Repositories, principal: Principal, role: Role, now: number): Promise<void> {
  const actor = principal.kind === 'session' ? { type: 'user' as const, id: principal.userId! } : { type: 'key' as const, id: principal.keyId! };
  const standing = await standingOf(tx, principal.orgId, actor, now);
  if (!standing) throw new AppError('AUTH_INVALID');
  // Bounded by what the request's own credential holds too (a session's standing is its role).
  assertMayGrantRole({ principal: standing.principal, owner: standing.owner }, role);
  assertMayGrantRole({ principal, owner: standing.owner }, role);
}

async function loadApplication(tx: Repositories, orgId: string, id: string, userBound: boolean): Promise<OAuthApplication> {
  const app = await tx.oauth.findApplication(orgId, id, true);
  if (!app || (app.userId !== null) !== userBound) throw new AppError('NOT_FOUND');
  return app;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new AppError('VALIDATION_FAILED', { message: 'The name must be 1-100 characters.', details: { field: 'name' } });
  return trimmed;
}

function checkHomepage(homepage: string | null): string | null {
  if (homepage === null || homepage === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(homepage);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || homepage.length > 2000) {
    throw new AppError('VALIDATION_FAILED', { message: 'The homepage must be an http(s) URL.', details: { field: 'homepage' } });
  }
  return homepage;
}

function checkRedirectUris(uris: readonly string[]): string[] {
  const unique = [...new Set(uris)];
  if (unique.length === 0 || unique.length > MAX_REDIRECT_URIS) {
    throw new AppError('VALIDATION_FAILED', { message: `An application needs 1-${MAX_REDIRECT_URIS} redirect URIs.`, details: { field: 'redirectUris' } });
  }
  for (const uri of unique) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new AppError('VALIDATION_FAILED', { message: `A redirect URI ${problem}.`, details: { field: 'redirectUris', uri } });
  }
  return unique;
}

function checkGrace(graceMs: number): number {
  if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
    throw new AppError('VALIDATION_FAILED', { message: 'The grace period must be 0 to 30 days.', details: { field: 'graceSeconds' } });
  }
  return graceMs;
}
