/**
 * The one registry of error codes Latchkey puts on the wire. docs/errors.md documents every entry and a test
 * keeps the two in step, so a code here is a promise to API clients: never rename one, only add.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  CREDENTIAL_IN_QUERY: { status: 400, message: 'Credentials must not be sent in the URL; use a header.' },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is not valid for this listing.' },
  UNKNOWN_PERMISSION: { status: 400, message: 'A permission is not in the catalog.' },
  UNKNOWN_PROJECT: { status: 400, message: 'A project does not exist in this organization.' },
  EXPIRY_IN_PAST: { status: 400, message: 'The expiry must be in the future.' },
  BULK_LIMIT_EXCEEDED: { status: 400, message: 'Too many items in one bulk request.' },
  AUTH_MISSING: { status: 401, message: 'No credential was presented.' },
  AUTH_INVALID: { status: 401, message: 'The credential is not valid.' },
  AUTH_REVOKED: { status: 401, message: 'The credential has been revoked.' },
  AUTH_EXPIRED: { status: 401, message: 'The credential has expired.' },
  AUTH_DISABLED: { status: 401, message: 'The credential is disabled.' },
  INVALID_SIGN_IN: { status: 401, message: 'The email or password is not correct.' },
  PERMISSION_DENIED: { status: 403, message: 'The credential lacks a required permission.' },
  PERMISSION_ESCALATION: { status: 403, message: 'A credential cannot grant more than it holds.' },
  IP_FORBIDDEN: { status: 403, message: 'The credential may not be used from this address.' },
  CSRF_FAILED: { status: 403, message: 'The CSRF token is missing or wrong.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  NAME_TAKEN: { status: 409, message: 'The name is already in use.' },
  EMAIL_TAKEN: { status: 409, message: 'A user with that email already exists.' },
  ALREADY_MEMBER: { status: 409, message: 'The user is already a member of this organization.' },
  LAST_OWNER: { status: 409, message: 'An organization must keep at least one owner.' },
  KEY_REVOKED: { status: 409, message: 'The key is revoked; a revoked key cannot be changed or used again.' },
  KEY_EXPIRED: { status: 409, message: 'The key has expired; its expiry cannot be changed. Roll it or create a new key.' },
  CONCURRENT_CHANGE: { status: 409, message: 'Something this request refers to was changed or removed at the same time; read it again and retry.' },
  ALREADY_INITIALIZED: { status: 409, message: 'Latchkey is already initialized.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  AUTH_THROTTLED: { status: 429, message: 'Too many failed authentication attempts from this address.' },
  INTERNAL: { status: 500, message: 'An internal error occurred.' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'Storage is not reachable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
