import type { Role } from './roles.js';

/** An offer to join an organization in a role, redeemed once with a token its inviter was shown once. */
export interface Invitation {
  id: string;
  orgId: string;
  /** Lowercased. */
  email: string;
  role: Role;
  /** The digest of the invitation token, never the token itself. */
  tokenDigest: string;
  /** Who sent it: judged again, as it stands then, when the invitation is accepted. */
  invitedBy: { type: 'user' | 'key'; id: string };
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedBy: string | null;
  revokedAt: number | null;
}

/** Neither accepted, revoked nor expired: only a pending invitation can be accepted or revoked. */
export function isPendingInvitation(invitation: Pick<Invitation, 'acceptedAt' | 'revokedAt' | 'expiresAt'>, now: number): boolean {
  return invitation.acceptedAt === null && invitation.revokedAt === null && invitation.expiresAt > now;
}
