/** What happens to a key or a personal token; both record the same events, under `key.` and `token.`. */
const CREDENTIAL_EVENTS = ['created', 'updated', 'enabled', 'disabled', 'regenerated', 'revoked', 'deleted'] as const;

/** The part after `key.` or `token.`: what a credential's audit action names happened to it. */
export type CredentialEvent = (typeof CREDENTIAL_EVENTS)[number];

type CredentialAction = `${'key' | 'token'}.${CredentialEvent}`;

/**
 * The one registry of audit actions Latchkey records. docs/api.md ("Audit actions") documents every entry and a
 * test keeps the two in step; the dashboard's action filter offers exactly these. Never rename one, only add:
 * stored events keep the action they were written with.
 */
export const AUDIT_ACTIONS = [
  'organization.created',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'member.added',
  'member.role_changed',
  'member.removed',
  'project.created',
  'project.updated',
  'project.deleted',
  'permission.created',
  'permission.deleted',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  ...CREDENTIAL_EVENTS.map((e): CredentialAction => `key.${e}`),
  ...CREDENTIAL_EVENTS.map((e): CredentialAction => `token.${e}`),
  'oauth_app.created',
  'oauth_app.updated',
  'oauth_app.secret_regenerated',
  'oauth_app.disabled',
  'oauth_app.enabled',
  'oauth_app.deleted',
  'oauth_client.created',
  'oauth_client.secret_regenerated',
  'oauth_client.deleted',
  'oauth_grant.created',
  'oauth_grant.revoked',
  'oauth_code.replayed',
  'oauth_refresh.reused',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
