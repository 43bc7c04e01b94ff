import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { KeyView, Page } from '../api/types.js';
import { useCursorList } from '../hooks/use-cursor-list.js';
import { useMemberEmails } from '../hooks/use-member-emails.js';
import { useSession } from '../session.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { ListPager } from './pager.js';
import { ShortDate } from './short-date.js';
import { StatusBadge } from './status-badge.js';
import { tokenLabel } from './token-label.js';
import { ListBody } from './list-body.js';

type Pending = { token: KeyView; action: 'revoke' | 'delete' };

/**
 * Every member's personal tokens, for owners and admins. They can stop a token (revoke or delete it) but never
 * see or regenerate its secret.
 */
export function AllTokensSection({ version }: { version: number }) {
  const { can } = useSession();
  const emails = useMemberEmails(can('latchkey:members:read'));
  const [search, setSearch] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const list = useCursorList(
    (cursor, limit) => api<Page<KeyView>>('GET', withQuery('/v1/tokens', { all: true, cursor, limit, search: search.trim() })),
    JSON.stringify([search.trim(), version]),
    25,
  );

  return (
    <>
      <div className="toolbar">
        <label>
          Search all tokens{' '}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name starts with…" maxLength={100} />
        </label>
      </div>
      <ListBody list={list} errorTitle="The members' tokens could not be loaded." loadingLabel="Loading every member's tokens…" empty={search.trim() ? 'No token name starts with that.' : 'No member has a personal access token.'}>
        <table aria-busy={list.loading}>
          <caption className="visually-hidden">Every member's personal access tokens</caption>
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Token</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((token) => (
              <tr key={token.id}>
                <td className="owner">
                  {token.ownerUserId ? (
                    <span title={token.ownerUserId}>{emails.get(token.ownerUserId) ?? <span className="mono">{token.ownerUserId}</span>}</span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {tokenLabel(token)}
                  <div className="mono hint">{token.start}…</div>
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
                <td className="row-actions">
                  {token.status !== 'revoked' && (
                    <button type="button" aria-label={`Revoke ${tokenLabel(token)}`} onClick={() => setPending({ token, action: 'revoke' })}>
                      Revoke
                    </button>
                  )}
                  <button type="button" aria-label={`Delete ${tokenLabel(token)}`} onClick={() => setPending({ token, action: 'delete' })}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <ListPager list={list} />
      {pending && (
        <ConfirmDialog
          title={pending.action === 'revoke' ? 'Revoke token' : 'Delete token'}
          confirmLabel={pending.action === 'revoke' ? 'Revoke' : 'Delete'}
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const path = `/v1/tokens/${encodeURIComponent(pending.token.id)}`;
            if (pending.action === 'revoke') await api('POST', `${path}/revoke`);
            else await api('DELETE', path);
            list.reload();
          }}
        >
          <p>
            {pending.action === 'revoke' ? 'Revoke' : 'Delete'} the token <strong>{tokenLabel(pending.token)}</strong> (
            <span className="mono">{pending.token.start}…</span>) of{' '}
            {(pending.token.ownerUserId && emails.get(pending.token.ownerUserId)) ?? 'its member'}? Anything that uses it stops working at once.
            {pending.action === 'revoke' ? ' A revoked token stays listed and cannot be enabled again.' : ' This cannot be undone.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
