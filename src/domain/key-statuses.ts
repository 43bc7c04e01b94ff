/**
 * The one registry of the states a key or token is shown in (`status`, and the `status` list filter).
 * docs/api.md ("Key statuses") documents every entry and a test keeps the two in step.
 */
export const KEY_STATUSES = ['active', 'disabled', 'expired', 'revoked'] as const;

export type KeyStatus = (typeof KEY_STATUSES)[number];
