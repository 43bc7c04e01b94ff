import { useMemo } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Member, Page } from '../api/types.js';
import { loadAll } from './use-cursor-list.js';
import { useLoad } from './use-load.js';

/** userId → email, so audit actors and token owners read as people; ids stay ids without `latchkey:members:read`. */
export function useMemberEmails(allowed: boolean): Map<string, string> {
  const state = useLoad(
    () => (allowed ? loadAll((cursor, limit) => api<Page<Member>>('GET', withQuery('/v1/members', { cursor, limit }))) : Promise.resolve([] as Member[])),
    [allowed],
  );
  return useMemo(() => new Map((state.data ?? []).map((m) => [m.userId, m.email])), [state.data]);
}
