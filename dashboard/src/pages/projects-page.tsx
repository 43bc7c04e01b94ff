import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Page, Project } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ListPager } from '../components/pager.js';
import { ProjectFormDialog } from '../components/project-form-dialog.js';
import { ShortDate } from '../components/short-date.js';
import { useCursorList } from '../hooks/use-cursor-list.js';
import { useSession } from '../session.js';
import './projects-page.css';
import { ListBody } from '../components/list-body.js';

/** The organization's projects, which keys and tokens may be confined to. */
export function ProjectsPage() {
  const { can } = useSession();
  const writable = can('latchkey:projects:write');
  const [search, setSearch] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'edit' | 'delete'; project: Project } | null>(null);
  const list = useCursorList(
    (cursor, limit) => api<Page<Project>>('GET', withQuery('/v1/projects', { cursor, limit, search: search.trim() })),
    search.trim(),
  );

  return (
    <section className="projects-page">
      <div className="page-header">
        <h1>Projects</h1>
        {writable && (
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
            Create project
          </button>
        )}
      </div>
      <p className="hint">A key or token can be confined to some projects; it then sees and serves those projects only.</p>
      <div className="toolbar">
        <label>
          Search projects{' '}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name starts with…" maxLength={100} />
        </label>
      </div>
      <ListBody list={list} errorTitle="The projects could not be loaded." loadingLabel="Loading projects…" empty={search.trim() ? 'No project name starts with that.' : writable ? 'No projects yet. Create one to confine keys to it.' : 'No projects yet.'}>
        <table aria-busy={list.loading}>
          <caption className="visually-hidden">Projects</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              {writable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((project) => (
              <tr key={project.id}>
                <td>{project.name}</td>
                <td className="description">{project.description || <span className="hint">—</span>}</td>
                <td className="mono">{project.id}</td>
                <td>
                  <ShortDate iso={project.createdAt} />
                </td>
                <td>
                  <ShortDate iso={project.updatedAt} />
                </td>
                {writable && (
                  <td className="row-actions">
                    <button type="button" aria-label={`Edit ${project.name}`} onClick={() => setDialog({ kind: 'edit', project })}>
                      Edit
                    </button>
                    <button type="button" aria-label={`Delete ${project.name}`} onClick={() => setDialog({ kind: 'delete', project })}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <ListPager list={list} />
      {dialog?.kind === 'create' && <ProjectFormDialog onClose={() => setDialog(null)} onSaved={list.reload} />}
      {dialog?.kind === 'edit' && <ProjectFormDialog project={dialog.project} onClose={() => setDialog(null)} onSaved={list.reload} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete project"
          confirmLabel="Delete"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await api('DELETE', `/v1/projects/${encodeURIComponent(dialog.project.id)}`);
            list.reload();
          }}
        >
          <p>
            Delete the project <strong>{dialog.project.name}</strong>?
          </p>
          <p className="warning-text">
            Keys and tokens restricted to only this project are revoked and stop working at once. Keys restricted to several projects lose this one and keep the
            others. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
