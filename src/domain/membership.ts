import type { Role } from './roles.js';

/** A user's place in one organization: the role is what their sessions and personal tokens there are capped by. */
export interface Membership {
  orgId: string;
  userId: string;
  role: Role;
  /** Epoch milliseconds. */
  createdAt: number;
}
