import { createContext, useContext } from 'react';
import { coveredByAny } from '../../src/domain/permission-pattern.js';
import type { Whoami } from './api/types.js';

export interface Session {
  whoami: Whoami;
  /** Whether the signed-in member holds a management permission; the server checks again on every call. */
  can: (permission: string) => boolean;
  signOut: () => Promise<void>;
  /** Re-reads whoami, after a change that may alter the member's own rights. */
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function canFor(whoami: Whoami): (permission: string) => boolean {
  return (permission) => coveredByAny(whoami.permissions, permission);
}
