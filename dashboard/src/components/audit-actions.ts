const KEY_EVENTS = ['created', 'updated', 'enabled', 'disabled', 'regenerated', 'revoked', 'deleted'];

/** The actions the server records (docs/api.md, "Audit log"), offered as suggestions in the action filter. */
export const AUDIT_ACTIONS: readonly string[] = [
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
  ...KEY_EVENTS.map((e) => `key.${e}`),
  ...KEY_EVENTS.map((e) => `token.${e}`),
];
