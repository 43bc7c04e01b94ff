/**
 * An OAuth 2.0 client registered in an organization. `userId` set makes it a per-user client credential (seed 003,
 * Xray): it may use only client_credentials and acts for that user; otherwise users authorize it with the
 * authorization-code flow. The secret is never part of it.
 */
export interface OAuthApplication {
  id: string;
  orgId: string;
  clientId: string;
  name: string;
  description: string;
  homepage: string | null;
  redirectUris: string[];
  allowedScopes: string[];
  clientType: 'confidential' | 'public';
  /** `opaque`: a Latchkey credential; `jwt`: an RFC 9068 JWT a resource server can verify offline (docs/oauth.md). */
  accessTokenFormat: 'opaque' | 'jwt';
  userId: string | null;
  enabled: boolean;
  createdBy: { type: 'user' | 'key' | 'system'; id: string };
  createdAt: number;
  updatedAt: number;
}

/** A user's consent to an application, with the scopes consented to. */
export interface OAuthGrant {
  id: string;
  orgId: string;
  appId: string;
  userId: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** An authorization code as stored (by digest): bound to client, redirect URI, user and PKCE challenge. */
export interface OAuthCode {
  orgId: string;
  appId: string;
  userId: string;
  familyId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** A refresh token as stored (by digest). */
export interface OAuthRefreshToken {
  id: string;
  orgId: string;
  appId: string;
  grantId: string;
  familyId: string;
  scopes: string[];
  createdAt: number;
  familyExpiresAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
}
