import { useMemo } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Page, Project } from '../api/types.js';
import { loadAll } from './use-cursor-list.js';
import { useLoad } from './use-load.js';

/**
 * Every project of the organization, for pickers and for showing names where the API gives ids. Without
 * `latchkey:projects:read` nothing is asked and ids stay ids.
 */
export function useProjectNames(allowed: boolean) {
  const state = useLoad(
    () => (allowed ? loadAll((cursor, limit) => api<Page<Project>>('GET', withQuery('/v1/projects', { cursor, limit }))) : Promise.resolve([] as Project[])),
    [allowed],
  );
  const names = useMemo(() => new Map((state.data ?? []).map((p) => [p.id, p.name])), [state.data]);
  return { projects: state.data ?? [], names, loading: state.loading, error: state.error };
}
