import type { ApiKey } from './api-key.js';
import type { CredentialKind } from './credential-kinds.js';
import type { Principal } from './principal.js';
import type { TokenType } from './token-format.js';

/** Which keys of a kind a listing shows: an owner's own, every one, or none. */
export type ListScope = { ownerUserId: string } | 'all' | 'none';

/**
 * Everything that differs between kinds of credential. The key service holds the rules every kind shares and
 * asks the kind's policy for the rest, so a new kind (client secrets, OAuth tokens) is a new policy in
 * credential-kinds.ts, not a new branch in the service.
 */
export interface CredentialKindPolicy {
  kind: CredentialKind;
  /** How the API names one in audit events (`<noun>.created`, target type `<noun>`). */
  noun: 'key' | 'token';
  /** The management permissions that guard the kind: see it, change it, and see or change everyone's. */
  permissions: { read: string; write: string; admin: string };
  /** The name a new credential gets when none is given and its description is empty. */
  defaultName: string;
  /** Whether an owner user's current role caps what the credential can do (and its leaving makes it unknown). */
  cappedByOwnerRole: boolean;
  /** Who may create one, beyond holding `permissions.write`: throws when `principal` may not. */
  assertMayCreate(principal: Principal): void;
  /** The permissions a new credential takes when the request names none; null: the request's list (none) stands. */
  inheritedPermissions(principal: Principal): readonly string[] | null;
  /** The token type a new secret carries, from the requested environment and the permissions it holds. */
  tokenType(environment: 'live' | 'test' | undefined, permissions: readonly string[]): TokenType;
  /** The user a new credential belongs to. */
  ownerOf(principal: Principal): string | null;
  /** Which credentials of the kind a listing shows; `all` is the request's "everyone's" flag. */
  listScope(principal: Principal, all: boolean, canAdminister: boolean): ListScope;
  /** Whether `principal` (allowed the kind's read permission) may see `key` at all; project visibility aside. */
  visibleToHolder(principal: Principal, key: ApiKey, canAdminister: boolean): boolean;
  /** Throws when `principal` may not be handed a new working secret for `key` (regeneration). */
  assertMayReceiveSecret(principal: Principal, key: ApiKey): void;
  /** The principal whose grant bounds a change by `principal` to `key`. */
  boundingActor(principal: Principal, key: ApiKey): Principal;
}
