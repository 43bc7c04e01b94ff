import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { KeyView, Page } from '../api/types.js';
import { useCursorList } from '../hooks/use-cursor-list.js';
import { useSession } from '../session.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { PermissionChips } from '../pages/permission-chips.js';
import { ListPager } from './pager.js';
import { ShortDate } from './short-date.js';
import { StatusBadge } from './status-badge.js';
import { TokenEditDialog } from './token-edit-dialog.js';
import { tokenLabel } from './token-label.js';
import { ListBody } from './list-body.js';

/** The signed-in member's own tokens. `version` changes when a token was created elsewhere on the page. */
export function MyTokensSection({ version }: { version: number }) {
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<KeyView | null>(null);
  const [deleting, setDeleting] = useState<KeyView | null>(null);
  const list = useCursorList(
    (cursor, limit) => api<Page<KeyView>>('GET', withQuery('/v1/tokens', { cursor, limit, search: search.trim() })),
    JSON.stringify([search.trim(), version]),
    25,
  );
  const writable = can('latchkey:tokens:write');

  return (
    <>
      <div className="toolbar">
        <label>
          Search tokens{' '}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name starts with…" maxLength={100} />
        </label>
      </div>
      <ListBody list={list} errorTitle="Your tokens could not be loaded." loadingLabel="Loading your tokens…" empty={search.trim() ? 'No token name starts with that.' : 'You have no personal access tokens yet.'}>
        <table aria-busy={list.loading}>
          <caption className="visually-hidden">Your personal access tokens</caption>
          <thead>
            <tr>
              <th scope="col">Description</th>
              <th scope="col">Start</th>
              <th scope="col">Permissions</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              {writable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((token) => (
              <tr key={token.id}>
                <td>
                  {tokenLabel(token)}
                  {token.name !== token.description && token.description && <div className="hint">{token.name}</div>}
                </td>
                <td className="mono">{token.start}…</td>
                <td>
                  {token.permissions.length === 1 && token.permissions[0] === '*' ? (
                    <span title="The token holds *: it may do whatever your role allows.">Your role's permissions</span>
                  ) : (
                    <PermissionChips permissions={token.permissions} keyName={tokenLabel(token)} />
                  )}
                </td>
                <td>
                  <ShortDate iso={token.expiresAt} />
                </td>
                <td>
                  <ShortDate iso={token.lastUsedAt} />
                </td>
                <td>
                  <StatusBadge keyView={token} />
                </td>
                {writable && (
                  <td className="row-actions">
                    {token.status !== 'revoked' && (
                      <button type="button" aria-label={`Edit ${tokenLabel(token)}`} onClick={() => setEditing(token)}>
                        Edit
                      </button>
                    )}
                    <button type="button" aria-label={`Delete ${tokenLabel(token)}`} onClick={() => setDeleting(token)}>
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
      {editing && <TokenEditDialog token={editing} onClose={() => setEditing(null)} onSaved={list.reload} />}
      {deleting && (
        <ConfirmDialog
          title="Delete token"
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api('DELETE', `/v1/tokens/${encodeURIComponent(deleting.id)}`);
            list.reload();
          }}
        >
          <p>
            Delete the token <strong>{tokenLabel(deleting)}</strong> (<span className="mono">{deleting.start}…</span>)? Anything that uses it stops working at
            once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
