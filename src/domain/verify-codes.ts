/**
 * The one registry of verification outcome codes: the `code` of every verification answer and the keys of a
 * key's usage counts. docs/api.md ("Verification codes") documents every entry and a test keeps the two in step,
 * so a code here is a promise to API clients: never rename one, only add.
 */
export const VERIFY_CODES = [
  'VALID',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
  'INSUFFICIENT_PERMISSIONS',
  'PROJECT_FORBIDDEN',
  'IP_FORBIDDEN',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
] as const;

export type VerifyCode = (typeof VERIFY_CODES)[number];

/** Usage counts also count calls to Latchkey's own API made with a key, under this code. */
export const API_USAGE_CODE = 'API';
