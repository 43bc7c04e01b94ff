/**
 * The error codes of RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization endpoint) and RFC 7009 §2.2.1. The
 * /oauth area answers them in OAuth's own format (`{ error, error_description }`), never in Latchkey's envelope,
 * because OAuth clients parse exactly that.
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'unsupported_token_type',
  'server_error',
  'temporarily_unavailable',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
