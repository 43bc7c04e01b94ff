import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { NumberedPage, OAuthApplication } from '../api/types.js';
import { ListPager } from '../components/pager.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatDate, formatDay } from '../format.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { useNumberedList } from '../hooks/use-numbered-list.js';
import './keys-page.css';
import './oauth-apps-page.css';
import { OAuthAppRowActions } from './oauth-app-row-actions.js';
import { PermissionChips } from './permission-chips.js';
import { RegisterOAuthAppDialog } from './register-oauth-app-dialog.js';

/**
 * The organization's OAuth applications: third-party apps members can authorize to act for them. Register,
 * regenerate a secret, disable or enable, delete. The page reuses the keys page's layout classes.
 */
export function OAuthAppsPage() {
  const [input, setInput] = useState('');
  const search = useDebounced(input, 250);
  const list = useNumberedList<OAuthApplication>(
    (page, pageSize) => api<NumberedPage<OAuthApplication>>('GET', withQuery('/v1/oauth/applications', { search: search.trim(), page, pageSize })),
    search,
    25,
  );
  const [registering, setRegistering] = useState(false);
  const stale = input !== search;
  const filtered = search.trim() !== '';

  return (
    <section className="keys-page oauth-apps-page">
      <div className="page-header">
        <h1>OAuth applications</h1>
        <button type="button" className="primary" onClick={() => setRegistering(true)}>
          Register application
        </button>
      </div>
      <p className="hint">
        Applications members can authorize, on a consent screen, to call the API for them within the scopes allowed here. A client secret is shown only once, when it
        is registered or regenerated.
      </p>

      <div className="toolbar" role="search">
        <div className="grow">
          <input
            type="search"
            aria-label="Search applications"
            placeholder="Search by name or client id"
            maxLength={200}
            value={input}
            onChange={(event) => setInput(event.target.value)}
          />
        </div>
      </div>

      {list.error !== null ? (
        <div>
          <ErrorMessage error={list.error} title="The applications could not be loaded." />
          <button type="button" onClick={list.reload}>
            Try again
          </button>
        </div>
      ) : stale || (list.loading && list.items.length === 0) ? (
        <Loading label={filtered || stale ? 'Searching…' : 'Loading applications…'} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <Empty>
            <p>No applications match this search.</p>
            <button type="button" onClick={() => setInput('')}>
              Clear search
            </button>
          </Empty>
        ) : (
          <Empty>
            <p>
              <strong>No OAuth applications yet.</strong>
            </p>
            <p>Register one for each third-party app that should act for your members.</p>
            <button type="button" className="primary" onClick={() => setRegistering(true)}>
              Register your first application
            </button>
          </Empty>
        )
      ) : (
        <div className="table-scroll">
          <table className="keys-table" aria-busy={list.loading}>
            <caption className="visually-hidden">OAuth applications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Client id</th>
                <th scope="col">Type</th>
                <th scope="col">Tokens</th>
                <th scope="col">Scopes</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col" className="actions-cell">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((app) => (
                <tr key={app.id}>
                  <td className="name-cell">
                    <strong>{app.name}</strong>
                    {app.description && (
                      <div className="hint description" title={app.description}>
                        {app.description}
                      </div>
                    )}
                  </td>
                  <td className="mono client-id-cell">{app.clientId}</td>
                  <td>{app.clientType}</td>
                  <td>{app.accessTokenFormat === 'jwt' ? 'JWT' : 'opaque'}</td>
                  <td>
                    <PermissionChips permissions={app.scopes} keyName={app.name} />
                  </td>
                  <td className="mono redirect-cell">
                    {app.redirectUris.map((uri) => (
                      <div key={uri}>{uri}</div>
                    ))}
                  </td>
                  <td className="date-cell" title={formatDate(app.createdAt)}>
                    {formatDay(app.createdAt)}
                  </td>
                  <td className="status-cell">
                    <span className={app.enabled ? 'badge badge-active' : 'badge badge-disabled'}>{app.enabled ? 'enabled' : 'disabled'}</span>
                  </td>
                  <td className="actions-cell">
                    <OAuthAppRowActions app={app} onChanged={list.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {list.error === null && (list.items.length > 0 || list.hasPrevious) && (
        <ListPager list={list} stale={stale} />
      )}

      {registering && (
        <RegisterOAuthAppDialog
          onClose={(created) => {
            setRegistering(false);
            if (created) list.reload();
          }}
        />
      )}
    </section>
  );
}
