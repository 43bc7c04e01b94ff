import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { KEY_STATUSES } from '../../../src/domain/key-statuses.js';
import { api, withQuery } from '../api/client.js';
import type { KeyStatus, KeyView, Page } from '../api/types.js';
import { ListPager } from '../components/pager.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { loadAll, useCursorList } from '../hooks/use-cursor-list.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { useSession } from '../session.js';
import { BulkBar } from './bulk-bar.js';
import { CreateKeyDialog } from './create-key-dialog.js';
import './keys-page.css';
import { KeysTable } from './keys-table.js';
import { type Selection, SelectionPicker } from './selection-picker.js';
import { useKeyLookups } from './use-key-lookups.js';

interface KeyFilters {
  search: string;
  status: '' | KeyStatus;
  environment: '' | 'live' | 'test';
  projectId: string;
}

const NO_FILTERS: KeyFilters = { search: '', status: '', environment: '', projectId: '' };

function listKeys(filters: KeyFilters, cursor: string | null, limit: number): Promise<Page<KeyView>> {
  return api<Page<KeyView>>('GET', withQuery('/v1/keys', { ...filters, search: filters.search.trim(), cursor, limit }));
}

/**
 * The organization's API keys: search, filters and paging over the server's list; a selection that may span pages
 * for the bulk actions; per-row actions; and the create dialog. Members who may only read see the table alone.
 */
export function KeysPage() {
  const { can } = useSession();
  const canWrite = can('latchkey:keys:write');
  const lookups = useKeyLookups();
  const [input, setInput] = useState<KeyFilters>(NO_FILTERS);
  const search = useDebounced(input.search, 250);
  const filters = useMemo<KeyFilters>(() => ({ ...input, search }), [input, search]);
  const filterKey = JSON.stringify(filters);
  const list = useCursorList<KeyView>((cursor, limit) => listKeys(filters, cursor, limit), filterKey, 50);
  const [selection, setSelection] = useState<Selection>(new Map());
  const stale = useStaleRows(filterKey, list.loading) || input.search !== search;
  const [creating, setCreating] = useState(false);

  // A selection belongs to the filters it was made under; a new search should not carry hidden keys along.
  useEffect(() => setSelection(new Map()), [filterKey]);

  const filtered = filters.search.trim() !== '' || filters.status !== '' || filters.environment !== '' || filters.projectId !== '';
  const set = (patch: Partial<KeyFilters>) => setInput((f) => ({ ...f, ...patch }));

  const select = useCallback((keys: readonly KeyView[], on: boolean) => {
    setSelection((current) => {
      const next = new Map(current);
      for (const key of keys) {
        if (on) next.set(key.id, key.name);
        else next.delete(key.id);
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

  return (
    <section className="keys-page">
      <div className="page-header">
        <h1>API keys</h1>
        {canWrite && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        )}
      </div>
      <p className="hint">Keys your services present to the protected API. A secret is shown only once, when the key is created or regenerated.</p>

      <div className="toolbar" role="search">
        <div className="grow">
          <input
            type="search"
            aria-label="Search keys"
            placeholder="Search keys by name"
            maxLength={100}
            value={input.search}
            onChange={(event) => set({ search: event.target.value })}
          />
        </div>
        <label className="filter">
          Status{' '}
          <select aria-label="Status" value={input.status} onChange={(event) => set({ status: event.target.value as KeyFilters['status'] })}>
            <option value="">Any</option>
            {KEY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status[0]!.toUpperCase() + status.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          Environment{' '}
          <select aria-label="Environment" value={input.environment} onChange={(event) => set({ environment: event.target.value as KeyFilters['environment'] })}>
            <option value="">Any</option>
            <option value="live">Live</option>
            <option value="test">Test</option>
          </select>
        </label>
        {can('latchkey:projects:read') && (
          <label className="filter">
            Project{' '}
            <select aria-label="Project" value={input.projectId} onChange={(event) => set({ projectId: event.target.value })}>
              <option value="">Any</option>
              {(lookups.projects ?? []).map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {filtered && (
          <button type="button" className="link" onClick={() => setInput(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </div>

      {lookups.error !== null && <ErrorMessage error={lookups.error} title="Project names could not be loaded, so ids are shown instead:" />}

      {canWrite && (
        <div className="selection-bar">
          <SelectionPicker
            pageKeys={stale ? [] : list.items}
            selection={selection}
            onChange={setSelection}
            loadMatching={() => loadAll<KeyView>((cursor, limit) => listKeys(filters, cursor, limit))}
          />
          {selection.size > 0 && (
            <BulkBar
              selected={selection}
              onDone={() => {
                setSelection(new Map());
                list.reload();
              }}
            />
          )}
        </div>
      )}

      {list.error !== null ? (
        <div>
          <ErrorMessage error={list.error} title="The keys could not be loaded." />
          <button type="button" onClick={list.reload}>
            Try again
          </button>
        </div>
      ) : stale || (list.loading && list.items.length === 0) ? (
        <Loading label={filtered ? 'Searching…' : 'Loading keys…'} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <Empty>
            <p>No keys match these filters.</p>
            <button type="button" onClick={() => setInput(NO_FILTERS)}>
              Clear filters
            </button>
          </Empty>
        ) : (
          <Empty>
            <p>
              <strong>No API keys yet.</strong>
            </p>
            <p>Create one for each service that calls your API; its secret is shown once.</p>
            {canWrite && (
              <button type="button" className="primary" onClick={() => setCreating(true)}>
                Create your first key
              </button>
            )}
          </Empty>
        )
      ) : (
        <KeysTable keys={list.items} lookups={lookups} canWrite={canWrite} selection={selection} onSelect={select} onChanged={list.reload} onDeleted={forget} busy={list.loading} />
      )}

      {list.error === null && (list.items.length > 0 || list.hasPrevious) && (
        <ListPager list={list} stale={stale} />
      )}

      {creating && (
        <CreateKeyDialog
          projects={lookups.projects}
          projectsLoading={lookups.projectsLoading}
          onClose={(created) => {
            setCreating(false);
            if (created) list.reload();
          }}
        />
      )}
    </section>
  );
}

/**
 * Whether the rows on screen were loaded for other filters than the current ones. Rows of an older search must
 * not stay selectable while a new one loads: "Current page" would pick keys the member no longer sees as matching.
 * The rows are settled when a load finishes, which the list reports as `loading` going from true to false.
 */
function useStaleRows(filterKey: string, loading: boolean): boolean {
  const [settledKey, setSettledKey] = useState(filterKey);
  const wasLoading = useRef(loading);
  useEffect(() => {
    if (wasLoading.current && !loading) setSettledKey(filterKey);
    wasLoading.current = loading;
  }, [loading, filterKey]);
  return settledKey !== filterKey;
}
