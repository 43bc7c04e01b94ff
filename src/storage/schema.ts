import type { Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types shared by both databases. Timestamps are epoch milliseconds and booleans are 0/1 integers on
 * both, and JSON is text, so no dialect has to translate a value on the way in or out.
 */
export interface OrganizationTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface MembershipTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface ProjectTable {
  id: string;
  org_id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface ApiKeyTable {
  id: string;
  org_id: string;
  /** `org` for organization keys, `personal` for personal access tokens. */
  kind: string;
  /** `live`, `test` or `pat`: the token type embedded in the secret. */
  token_type: string;
  name: string;
  name_lower: string;
  description: string;
  start: string;
  permissions: string;
  /** 1 when the key is limited to the projects in api_key_projects; 0 means every project. */
  project_restricted: number;
  owner_user_id: string | null;
  created_by_type: string;
  created_by_id: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  enabled: number;
  revoked_at: number | null;
  metadata: string | null;
  rate_limit: string | null;
  credits_remaining: number | null;
  credits_refill_amount: number | null;
  credits_refill_interval_ms: number | null;
  credits_refilled_at: number | null;
  ip_ranges: string | null;
}

export interface ApiKeyProjectTable {
  key_id: string;
  project_id: string;
  org_id: string;
}

export interface KeySecretTable {
  digest: string;
  key_id: string;
  org_id: string;
  created_at: number;
  /** Set on a rolled-away secret during its grace period; null for the current secret. */
  expires_at: number | null;
}

/** One row per key that has been used (migration m005); kept out of api_keys so each flush writes narrow rows. */
export interface KeyLastUsedTable {
  key_id: string;
  last_used_at: number;
}

export interface KeyUsageTable {
  key_id: string;
  org_id: string;
  /** Start of the hour, epoch milliseconds. */
  bucket: number;
  code: string;
  count: number;
}

export interface AuditEventTable {
  id: string;
  org_id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  created_at: number;
  details: string | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  org_id: string;
  csrf_digest: string;
  created_at: number;
  expires_at: number;
}

/** Secrets the server generated for itself, by purpose; written once, never changed. */
export interface ServerSecretTable {
  name: string;
  value: string;
  created_at: number;
}

export interface PermissionTable {
  org_id: string;
  name: string;
  description: string;
  created_at: number;
}

/** One row per running server; see services/instance-registry.ts. */
export interface InstanceHeartbeatTable {
  instance_id: string;
  host: string;
  pid: number;
  started_at: number;
  last_seen_at: number;
}

/** At most one row (id 1): first-run setup has happened. Its primary key is what serializes racing first runs. */
export interface InstanceSetupTable {
  id: number;
  org_id: string;
  completed_at: number;
}

export interface InvitationTable {
  id: string;
  org_id: string;
  /** Lowercased. */
  email: string;
  role: string;
  /** The digest of the invitation token (ctx.digest), never the token itself. */
  token_digest: string;
  /** `user` or `key`: who sent the invitation, judged again when it is accepted. */
  invited_by_type: string;
  invited_by_id: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
}

/** An ES256 key signing JWT access tokens (m008); the private JWK is encrypted. */
export interface OAuthSigningKeyTable {
  kid: string;
  generation: number;
  algorithm: string;
  public_jwk: string;
  private_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface OAuthApplicationTable {
  id: string;
  org_id: string;
  client_id: string;
  name: string;
  description: string;
  homepage: string | null;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** JSON array of permission names the client may ask for. */
  allowed_scopes: string;
  client_type: string;
  /** Set: a per-user client credential acting for this user. */
  user_id: string | null;
  enabled: number;
  /** `opaque` or `jwt` (m008). */
  access_token_format: string;
  created_by_type: string;
  created_by_id: string;
  created_at: number;
  updated_at: number;
}

export interface OAuthClientSecretTable {
  digest: string;
  app_id: string;
  created_at: number;
  expires_at: number | null;
}

export interface OAuthGrantTable {
  id: string;
  org_id: string;
  app_id: string;
  user_id: string;
  scopes: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface OAuthCodeTable {
  digest: string;
  org_id: string;
  app_id: string;
  user_id: string;
  family_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OAuthRefreshTokenTable {
  digest: string;
  id: string;
  org_id: string;
  app_id: string;
  grant_id: string;
  family_id: string;
  scopes: string;
  created_at: number;
  family_expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export interface OAuthTokenLinkTable {
  key_id: string;
  org_id: string;
  app_id: string;
  grant_id: string | null;
  family_id: string | null;
}

/** One committed invalidation (event is JSON); see m006-invalidation-log.ts. */
export interface InvalidationLogTable {
  id: number;
  created_at: number;
  event: string;
}

export interface InvalidationAckTable {
  instance_id: string;
  applied_id: number;
  acked_at: number;
}

export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  memberships: MembershipTable;
  projects: ProjectTable;
  api_keys: ApiKeyTable;
  api_key_projects: ApiKeyProjectTable;
  key_secrets: KeySecretTable;
  key_usage: KeyUsageTable;
  key_last_used: KeyLastUsedTable;
  audit_events: AuditEventTable;
  sessions: SessionTable;
  permissions: PermissionTable;
  server_secrets: ServerSecretTable;
  instance_heartbeats: InstanceHeartbeatTable;
  instance_setup: InstanceSetupTable;
  invitations: InvitationTable;
  oauth_applications: OAuthApplicationTable;
  oauth_client_secrets: OAuthClientSecretTable;
  oauth_grants: OAuthGrantTable;
  oauth_codes: OAuthCodeTable;
  oauth_refresh_tokens: OAuthRefreshTokenTable;
  oauth_token_links: OAuthTokenLinkTable;
  oauth_signing_keys: OAuthSigningKeyTable;
  invalidation_log: InvalidationLogTable;
  invalidation_acks: InvalidationAckTable;
}

/** A key as the repository reads it: its row with its last-used time (from key_last_used) beside it. */
export type ApiKeyRow = Selectable<ApiKeyTable> & { last_used_at: number | null };
export type NewApiKeyRow = Insertable<ApiKeyTable>;
export type ApiKeyUpdate = Updateable<ApiKeyTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type UserRow = Selectable<UserTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type SessionRow = Selectable<SessionTable>;
export type PermissionRow = Selectable<PermissionTable>;
export type OrganizationRow = Selectable<OrganizationTable>;
export type InstanceHeartbeatRow = Selectable<InstanceHeartbeatTable>;
export type InvitationRow = Selectable<InvitationTable>;
