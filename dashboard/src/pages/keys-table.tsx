import { useEffect, useRef } from 'react';
import type { KeyView } from '../api/types.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDate, formatDay } from '../format.js';
import { Link } from 'wouter';
import { KeyRowActions } from './key-row-actions.js';
import { PermissionChips } from './permission-chips.js';
import type { Selection } from './selection-picker.js';
import type { KeyLookups } from './use-key-lookups.js';

/** The keys of one page. Selection and actions appear only for members who may change keys. */
export function KeysTable(props: {
  keys: readonly KeyView[];
  lookups: KeyLookups;
  canWrite: boolean;
  selection: Selection;
  onSelect: (keys: readonly KeyView[], selected: boolean) => void;
  onChanged: () => void;
  onDeleted: (id: string) => void;
  busy: boolean;
}) {
  const { keys, lookups, canWrite, selection } = props;
  const selectedOnPage = keys.filter((k) => selection.has(k.id)).length;
  const pageBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (pageBox.current) pageBox.current.indeterminate = selectedOnPage > 0 && selectedOnPage < keys.length;
  }, [selectedOnPage, keys.length]);

  return (
    <div className="table-scroll">
      <table className="keys-table" aria-busy={props.busy}>
        <caption className="visually-hidden">API keys</caption>
        <thead>
          <tr>
            {canWrite && (
              <th scope="col" className="select-cell">
                <input
                  ref={pageBox}
                  type="checkbox"
                  aria-label="Select every key on this page"
                  checked={keys.length > 0 && selectedOnPage === keys.length}
                  onChange={(event) => props.onSelect(keys, event.target.checked)}
                />
              </th>
            )}
            <th scope="col">Name</th>
            <th scope="col">Start</th>
            <th scope="col">Permissions</th>
            <th scope="col">Projects</th>
            <th scope="col">Env</th>
            <th scope="col">Creator</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            {canWrite && (
              <th scope="col" className="actions-cell">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const selected = selection.has(key.id);
            return (
              <tr key={key.id} className={selected ? 'selected' : undefined}>
                {canWrite && (
                  <td className="select-cell">
                    <input type="checkbox" aria-label={`Select key ${key.name}`} checked={selected} onChange={(event) => props.onSelect([key], event.target.checked)} />
                  </td>
                )}
                <td className="name-cell">
                  <Link to={`/keys/${key.id}`}>{key.name}</Link>
                  {key.description && (
                    <div className="hint description" title={key.description}>
                      {key.description}
                    </div>
                  )}
                </td>
                <td className="mono nowrap">{key.start}…</td>
                <td>
                  <PermissionChips permissions={key.permissions} keyName={key.name} />
                </td>
                <td>
                  <KeyProjects projectIds={key.projectIds} lookups={lookups} />
                </td>
                <td>
                  <span className={`env env-${key.environment}`}>{key.environment}</span>
                </td>
                <td className="creator-cell">
                  <Creator createdBy={key.createdBy} lookups={lookups} />
                </td>
                <td className="date-cell" title={formatDate(key.createdAt)}>
                  {formatDay(key.createdAt)}
                </td>
                <td className="date-cell" title={key.expiresAt ? formatDate(key.expiresAt) : undefined}>
                  {key.expiresAt ? formatDay(key.expiresAt) : 'Never'}
                </td>
                <td className="date-cell" title={key.lastUsedAt ? formatDate(key.lastUsedAt) : undefined}>
                  {key.lastUsedAt ? formatDay(key.lastUsedAt) : 'Never'}
                </td>
                <td className="status-cell">
                  <StatusBadge keyView={key} />
                </td>
                {canWrite && (
                  <td className="actions-cell">
                    <KeyRowActions keyView={key} projects={lookups.projects} onChanged={props.onChanged} onDeleted={props.onDeleted} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function KeyProjects({ projectIds, lookups }: { projectIds: string[] | null; lookups: KeyLookups }) {
  if (projectIds === null) return <span className="all-projects">All projects</span>;
  return (
    <span className="chips">
      {projectIds.map((id) => {
        const name = lookups.projectName(id);
        return (
          <span key={id} className={name ? 'chip project' : 'chip project mono'} title={id}>
            {name ?? id}
          </span>
        );
      })}
    </span>
  );
}

function Creator({ createdBy, lookups }: { createdBy: KeyView['createdBy']; lookups: KeyLookups }) {
  if (createdBy.type === 'user') {
    const email = lookups.memberEmail(createdBy.id);
    if (!email) return <span className="mono">{createdBy.id}</span>;
    // Narrow cells wrap an address at its @ rather than mid-word.
    const at = email.lastIndexOf('@');
    return (
      <span title={createdBy.id}>
        {at > 0 ? (
          <>
            {email.slice(0, at)}
            <wbr />
            {email.slice(at)}
          </>
        ) : (
          email
        )}
      </span>
    );
  }
  // A key or token id, shortened: not linked, since a personal token's id has no page here.
  return (
    <span title={`${createdBy.type} ${createdBy.id}`}>
      {createdBy.type === 'key' ? 'API key' : createdBy.type} <span className="mono nowrap">{createdBy.id.length > 12 ? `${createdBy.id.slice(0, 10)}…` : createdBy.id}</span>
    </span>
  );
}
