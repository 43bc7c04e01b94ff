import { useMemo } from 'react';
import type { Project } from '../api/types.js';
import { useMemberEmails } from '../hooks/use-member-emails.js';
import { useProjectNames } from '../hooks/use-project-names.js';
import { useSession } from '../session.js';

export interface KeyLookups {
  /** Every project; null while loading, or when the member may not list projects. */
  projects: Project[] | null;
  projectsLoading: boolean;
  projectName: (id: string) => string | null;
  memberEmail: (userId: string) => string | null;
  /** A failure to load names is not fatal: the table falls back to ids and says why. */
  error: unknown;
}

/**
 * Names for the ids a key carries, loaded once per page visit: the table shows many keys, each naming projects
 * and a creator, and asking the server per row would cost a request per cell.
 */
export function useKeyLookups(): KeyLookups {
  const { can } = useSession();
  const mayListProjects = can('latchkey:projects:read');
  const projects = useProjectNames(mayListProjects);
  const emails = useMemberEmails(can('latchkey:members:read'));
  const ready = mayListProjects && !projects.loading && projects.error === null;
  return useMemo(
    () => ({
      projects: ready ? projects.projects : null,
      projectsLoading: mayListProjects && projects.loading,
      projectName: (id: string) => projects.names.get(id) ?? null,
      memberEmail: (userId: string) => emails.get(userId) ?? null,
      error: projects.error,
    }),
    [ready, mayListProjects, projects.projects, projects.loading, projects.names, projects.error, emails],
  );
}
