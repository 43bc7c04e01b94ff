import type { LightMyRequestResponse } from 'fastify';
import { NO_LIMITS, type Principal } from '../../src/domain/principal.js';
import type { Role } from '../../src/domain/roles.js';
import type { TestApp } from './test-app.js';

export interface TestSession {
  /** The `Cookie` header value carrying the session. */
  cookie: string;
  csrfToken: string;
  response: LightMyRequestResponse;
}

/** Signs in through the API and keeps what a browser would: the cookie and the CSRF token. */
export async function signIn(h: TestApp, email: string, password: string, organizationId?: string): Promise<TestSession> {
  const response = await h.call('POST', '/v1/auth/sign-in', null, { email, password, ...(organizationId ? { organizationId } : {}) });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'latchkey_session');
  if (!cookie) throw new Error('sign-in set no session cookie');
  return { cookie: `latchkey_session=${cookie.value}`, csrfToken: response.json().csrfToken, response };
}

/** A request as the signed-in session; mutations carry the CSRF token unless `csrf` is false. */
export function sessionCall(h: TestApp, session: TestSession, method: string, url: string, body?: unknown, csrf = true): Promise<LightMyRequestResponse> {
  return h.call(method, url, null, body, { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': session.csrfToken } : {}) });
}

/** Invites `email` in `role` with the owner key and returns the invitation token. */
export async function invite(h: TestApp, email: string, role: Role, secret = h.ownerKey): Promise<string> {
  const response = await h.call('POST', '/v1/invitations', secret, { email, role });
  if (response.statusCode !== 201) throw new Error(`inviting a member failed: ${response.statusCode} ${response.body}`);
  return response.json().token;
}

/**
 * Adds a member the only way the API allows: the owner key invites them and they accept, creating their
 * account with `password`, or, when the email already has an account, signing in with it and accepting.
 * Returns their user id.
 */
export async function addMember(h: TestApp, email: string, role: Role, password = 'a long enough password'): Promise<string> {
  const token = await invite(h, email, role);
  const existing = await h.storage.repos.users.findByEmail(email.toLowerCase());
  const response = existing
    ? await sessionCall(h, await signIn(h, email, password), 'POST', '/v1/invitations/accept', { token })
    : await h.call('POST', '/v1/invitations/accept-new-account', null, { token, password });
  if (response.statusCode !== 200 && response.statusCode !== 201) throw new Error(`accepting an invitation failed: ${response.statusCode} ${response.body}`);
  return response.json().member.userId;
}

/** The principal a member's session would resolve to, for creating their personal tokens through the service. */
export function memberPrincipal(orgId: string, userId: string, role: Role): Principal {
  return { kind: 'session', orgId, userId, keyId: null, role, keyPermissions: null, projectIds: null, expiresAt: null, limits: NO_LIMITS };
}

/** A second organization founded by the first one's owner over the API, with a session signed in to it. */
export async function secondOrganization(h: TestApp, email: string, password: string, name = 'Beta'): Promise<{ orgId: string; session: TestSession }> {
  const home = await signIn(h, email, password);
  const created = await sessionCall(h, home, 'POST', '/v1/organizations', { name });
  if (created.statusCode !== 201) throw new Error(`creating an organization failed: ${created.statusCode} ${created.body}`);
  const orgId: string = created.json().id;
  return { orgId, session: await signIn(h, email, password, orgId) };
}

/** Audit rows of one action in an organization, read straight from storage. */
export async function auditRows(h: TestApp, action: string, orgId = h.orgId) {
  return h.storage.repos.audit.list({ orgId, action, limit: 200 });
}
