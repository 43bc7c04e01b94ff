import { useCallback, useEffect, useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { NumberedPage, OAuthClient } from '../api/types.js';
import { ListPager } from '../components/pager.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { loadAllNumbered, useNumberedList } from '../hooks/use-numbered-list.js';
import { CreateOAuthClientDialog } from './create-oauth-client-dialog.js';
import './keys-page.css';
import { OAuthClientBulkDialog } from './oauth-client-bulk-dialog.js';
import { OAuthClientsTable } from './oauth-clients-table.js';
import { countCredentials } from './oauth-count.js';
import { type Selectable, type Selection, SelectionPicker } from './selection-picker.js';

function listClients(search: string, page: number, pageSize: number): Promise<NumberedPage<OAuthClient>> {
  return api<NumberedPage<OAuthClient>>('GET', withQuery('/v1/oauth/clients', { search: search.trim(), page, pageSize }));
}

const asSelectable = (client: OAuthClient): Selectable => ({ id: client.id, name: client.userEmail });

/**
 * Per-user client credentials (a client id and secret acting for one member): search, numbered paging, a
 * selection that may span pages for bulk delete and regenerate, per-row actions, and "create for user". The
 * page reuses the keys page's layout classes, so both tables look and behave alike.
 */
export function OAuthClientsPage() {
  const [input, setInput] = useState('');
  const search = useDebounced(input, 250);
  const list = useNumberedList<OAuthClient>((page, pageSize) => listClients(search, page, pageSize), search, 25);
  const [selection, setSelection] = useState<Selection>(new Map());
  const [creating, setCreating] = useState(false);
  const [bulk, setBulk] = useState<'delete' | 'regenerate' | null>(null);
  const stale = input !== search;

  // A selection belongs to the search it was made under; a new search should not carry hidden credentials along.
  useEffect(() => setSelection(new Map()), [search]);

  const select = useCallback((clients: readonly OAuthClient[], on: boolean) => {
    setSelection((current) => {
      const next = new Map(current);
      for (const client of clients) {
        if (on) next.set(client.id, client.userEmail);
        else next.delete(client.id);
      }
      return next;
    });
  }, []);
  const forget = useCallback((id: string) => {
    setSelection((current) => {
      if (!current.has(id)) return current;
      const next = new Map(current);
      next.delete(id);
      return next;
    });
  }, []);
  const filtered = search.trim() !== '';

  return (
    <section className="keys-page oauth-clients-page">
      <div className="page-header">
        <h1>Client credentials</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create for user
        </button>
      </div>
      <p className="hint">
        A client id and secret per member, for services that call the API as that member (OAuth grant type client_credentials). A secret is shown only once, when it is
        created or regenerated.
      </p>

      <div className="toolbar" role="search">
        <div className="grow">
          <input
            type="search"
            aria-label="Search client credentials"
            placeholder="Search by user email or client id"
            maxLength={200}
            value={input}
            onChange={(event) => setInput(event.target.value)}
          />
        </div>
        {!stale && !list.loading && list.error === null && (
          <span className="hint" aria-live="polite" data-testid="match-count">
            {filtered ? `${countCredentials(list.total)} match` : `${countCredentials(list.total)} in all`}
          </span>
        )}
      </div>

      <div className="selection-bar">
        <SelectionPicker
          noun="credential"
          pageKeys={stale || list.loading ? [] : list.items.map(asSelectable)}
          selection={selection}
          onChange={setSelection}
          loadMatching={async () => (await loadAllNumbered((page, pageSize) => listClients(search, page, pageSize))).map(asSelectable)}
        />
        {selection.size > 0 && (
          <div className="bulk-bar" role="group" aria-label="Bulk actions">
            <button type="button" className="danger-text" onClick={() => setBulk('delete')}>
              Delete selected
            </button>
            <button type="button" onClick={() => setBulk('regenerate')}>
              Regenerate selected
            </button>
          </div>
        )}
      </div>

      {list.error !== null ? (
        <div>
          <ErrorMessage error={list.error} title="The client credentials could not be loaded." />
          <button type="button" onClick={list.reload}>
            Try again
          </button>
        </div>
      ) : stale || (list.loading && list.items.length === 0) ? (
        <Loading label={filtered || stale ? 'Searching…' : 'Loading client credentials…'} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <Empty>
            <p>No client credentials match this search.</p>
            <button type="button" onClick={() => setInput('')}>
              Clear search
            </button>
          </Empty>
        ) : (
          <Empty>
            <p>
              <strong>No client credentials yet.</strong>
            </p>
            <p>Create one for a member whose service needs to call the API as them; its secret is shown once.</p>
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              Create the first one
            </button>
          </Empty>
        )
      ) : (
        <OAuthClientsTable clients={list.items} selection={selection} onSelect={select} onChanged={list.reload} onDeleted={forget} busy={list.loading} />
      )}

      {list.error === null && (list.items.length > 0 || list.hasPrevious) && (
        <ListPager list={list} stale={stale} />
      )}

      {creating && (
        <CreateOAuthClientDialog
          onClose={(created) => {
            setCreating(false);
            if (created) list.reload();
          }}
        />
      )}
      {bulk && (
        <OAuthClientBulkDialog
          action={bulk}
          selected={selection}
          onClose={(changed) => {
            setBulk(null);
            if (changed) {
              setSelection(new Map());
              list.reload();
            }
          }}
        />
      )}
    </section>
  );
}
