/** The shapes the public HTTP API returns, as documented in /openapi.json. */
import type { KeyStatus } from '../../../src/domain/key-statuses.js';
import type { Role } from '../../../src/domain/roles.js';

// The registries are the server's own, not copies.
export { ROLES } from '../../../src/domain/roles.js';
export type { KeyStatus, Role };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface Credits {
  remaining: number;
  refillAmount?: number | null;
  refillIntervalMs?: number | null;
}

export interface KeyView {
  id: string;
  kind: 'org_key' | 'personal_token';
  name: string;
  description: string;
  start: string;
  environment: string;
  permissions: string[];
  projectIds: string[] | null;
  ownerUserId: string | null;
  createdBy: { type: string; id: string };
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  enabled: boolean;
  status: KeyStatus;
  metadata: Record<string, unknown> | null;
  rateLimit: RateLimit | null;
  credits: Credits | null;
  ipRanges: string[] | null;
}

export interface KeyWithSecret extends KeyView {
  secret: string;
}

export interface Whoami {
  kind: 'session' | 'org_key' | 'personal_token';
  organization: { id: string; name: string };
  user: { id: string; email: string; name: string } | null;
  role: Role | null;
  key: { id: string; name: string; start: string; expiresAt: string | null } | null;
  permissions: string[];
  projectIds: string[] | null;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface CatalogPermission {
  name: string;
  description: string;
  source: string;
}

export interface Catalog {
  permissions: CatalogPermission[];
  presets: { read: string[]; write: string[]; admin: string[] };
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string } | null;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
  details: Record<string, unknown> | null;
}

export interface UsageBucket {
  start: string;
  counts: Record<string, number>;
}

export interface BulkResult {
  results: { id: string; outcome: string; secret?: string; key?: KeyView }[];
}

export interface SignInResult {
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedBy: { type: string; id: string };
  createdAt: string;
  expiresAt: string;
}

export interface InvitationWithToken extends Invitation {
  token: string;
}

export interface AcceptedInvitation {
  organization: { id: string; name: string };
  member: Member;
}

/** One page of a list paged by number (the OAuth lists), with the exact count of every match. */
export interface NumberedPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface OAuthApplication {
  id: string;
  clientId: string;
  name: string;
  description: string;
  homepage: string | null;
  redirectUris: string[];
  scopes: string[];
  clientType: 'confidential' | 'public';
  accessTokenFormat: 'opaque' | 'jwt';
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OAuthApplicationWithSecret {
  application: OAuthApplication;
  clientSecret: string | null;
}

/** A per-user client id and secret (client_credentials acting for that user). */
export interface OAuthClient {
  id: string;
  clientId: string;
  userId: string;
  userEmail: string;
  enabled: boolean;
  createdAt: string;
}

export interface OAuthClientWithSecret {
  client: OAuthClient;
  clientSecret: string;
}

export interface OAuthClientBulkResult {
  results: { id: string; outcome: 'deleted' | 'regenerated' | 'not_found'; clientSecret?: string }[];
}

export interface OAuthGrant {
  id: string;
  applicationId: string;
  applicationName: string;
  clientId: string;
  userId: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}
