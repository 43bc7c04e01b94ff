/** A dashboard sign-in: one user, in one organization, until it expires or is ended. */
export interface Session {
  /** The digest of the session token (never the token itself), which is all a lookup needs. */
  id: string;
  userId: string;
  orgId: string;
  /** The digest of the CSRF token handed out with the session. */
  csrfDigest: string;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
}
