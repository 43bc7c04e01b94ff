import { useEffect, useRef } from 'react';
import type { OAuthClient } from '../api/types.js';
import { formatDate, formatDay } from '../format.js';
import { OAuthClientRowActions } from './oauth-client-row-actions.js';
import type { Selection } from './selection-picker.js';

/** One page of client credentials. The secret column is a mask: Latchkey keeps only a digest of it. */
export function OAuthClientsTable(props: {
  clients: readonly OAuthClient[];
  selection: Selection;
  onSelect: (clients: readonly OAuthClient[], selected: boolean) => void;
  onChanged: () => void;
  onDeleted: (id: string) => void;
  busy: boolean;
}) {
  const { clients, selection } = props;
  const selectedOnPage = clients.filter((c) => selection.has(c.id)).length;
  const pageBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (pageBox.current) pageBox.current.indeterminate = selectedOnPage > 0 && selectedOnPage < clients.length;
  }, [selectedOnPage, clients.length]);

  return (
    <div className="table-scroll">
      <table className="keys-table" aria-busy={props.busy}>
        <caption className="visually-hidden">Client credentials</caption>
        <thead>
          <tr>
            <th scope="col" className="select-cell">
              <input
                ref={pageBox}
                type="checkbox"
                aria-label="Select every credential on this page"
                checked={clients.length > 0 && selectedOnPage === clients.length}
                onChange={(event) => props.onSelect(clients, event.target.checked)}
              />
            </th>
            <th scope="col">User</th>
            <th scope="col">Client id</th>
            <th scope="col">Client secret</th>
            <th scope="col">Created</th>
            <th scope="col" className="actions-cell">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => {
            const selected = selection.has(client.id);
            return (
              <tr key={client.id} className={selected ? 'selected' : undefined}>
                <td className="select-cell">
                  <input type="checkbox" aria-label={`Select credential for ${client.userEmail}`} checked={selected} onChange={(event) => props.onSelect([client], event.target.checked)} />
                </td>
                <td title={client.userId}>{client.userEmail}</td>
                <td className="mono nowrap">{client.clientId}</td>
                <td className="mono" aria-label="Hidden: shown only when created or regenerated">
                  *****
                </td>
                <td className="date-cell" title={formatDate(client.createdAt)}>
                  {formatDay(client.createdAt)}
                </td>
                <td className="actions-cell">
                  <OAuthClientRowActions client={client} onChanged={props.onChanged} onDeleted={props.onDeleted} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
