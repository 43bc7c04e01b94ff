import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { OAuthGrant } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { Tabs } from '../components/tabs.js';
import { formatDate, formatDay } from '../format.js';
import { useLoad } from '../hooks/use-load.js';
import { useMemberEmails } from '../hooks/use-member-emails.js';
import { useSession } from '../session.js';
import './keys-page.css';
import { PermissionChips } from './permission-chips.js';

type Tab = 'mine' | 'all';

/**
 * The OAuth applications a member has authorized to act for them, with revoke. Owners and admins also see every
 * member's grants and may revoke any of them.
 */
export function AuthorizedAppsPage() {
  const { can } = useSession();
  const [tab, setTab] = useState<Tab>('mine');
  const admin = can('latchkey:oauth:read');
  const mine = <GrantsList all={false} />;

  return (
    <section className="keys-page authorized-apps-page">
      <div className="page-header">
        <h1>Authorized apps</h1>
      </div>
      <p className="hint">
        Applications you allowed, on a consent screen, to call the API as you. Revoking one ends its access and refresh tokens at their next request; the
        application must ask you again.
      </p>
      {admin ? (
        <Tabs
          label="Grants"
          tabs={[
            { id: 'mine', label: 'My authorized apps' },
            { id: 'all', label: "All members' grants" },
          ]}
          selected={tab}
          onSelect={setTab}
        >
          {tab === 'mine' ? mine : <GrantsList all />}
        </Tabs>
      ) : (
        mine
      )}
    </section>
  );
}

function GrantsList({ all }: { all: boolean }) {
  const { can, whoami } = useSession();
  const grants = useLoad(() => api<{ items: OAuthGrant[] }>('GET', withQuery('/v1/oauth/grants', { all: all ? true : undefined })), [all]);
  const emails = useMemberEmails(all && can('latchkey:members:read'));
  const [revoking, setRevoking] = useState<OAuthGrant | null>(null);
  const items = grants.data?.items ?? [];
  const who = (grant: OAuthGrant) => (grant.userId === whoami.user?.id ? 'you' : (emails.get(grant.userId) ?? grant.userId));

  if (grants.error !== null && !grants.data) {
    return (
      <div>
        <ErrorMessage error={grants.error} title="The authorized apps could not be loaded." />
        <button type="button" onClick={grants.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (grants.loading && !grants.data) return <Loading label="Loading authorized apps…" />;
  if (items.length === 0) {
    return (
      <Empty>
        <p>
          <strong>{all ? 'No member has authorized an application.' : 'You have not authorized any application.'}</strong>
        </p>
        <p>An application appears here once {all ? 'a member approves' : 'you approve'} it on its consent screen.</p>
      </Empty>
    );
  }
  return (
    <>
      {grants.error !== null && <ErrorMessage error={grants.error} title="The list could not be refreshed." />}
      <div className="table-scroll">
        <table className="keys-table" aria-busy={grants.loading}>
          <caption className="visually-hidden">{all ? "Every member's authorized apps" : 'Your authorized apps'}</caption>
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">Client id</th>
              {all && <th scope="col">Member</th>}
              <th scope="col">Scopes</th>
              <th scope="col">Authorized</th>
              <th scope="col" className="actions-cell">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((grant) => (
              <tr key={grant.id}>
                <td className="name-cell">
                  <strong>{grant.applicationName}</strong>
                </td>
                <td className="mono nowrap">{grant.clientId}</td>
                {all && <td title={grant.userId}>{who(grant)}</td>}
                <td>
                  <PermissionChips permissions={grant.scopes} keyName={grant.applicationName} />
                </td>
                <td className="date-cell" title={formatDate(grant.createdAt)}>
                  {formatDay(grant.createdAt)}
                </td>
                <td className="actions-cell">
                  <div className="row-actions">
                    <button type="button" className="danger-text" aria-label={`Revoke ${grant.applicationName} for ${who(grant)}`} onClick={() => setRevoking(grant)}>
                      Revoke
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.applicationName}?`}
          confirmLabel="Revoke"
          danger
          onConfirm={async () => {
            await api<void>('DELETE', `/v1/oauth/grants/${encodeURIComponent(revoking.id)}`);
            grants.reload();
          }}
          onClose={() => setRevoking(null)}
        >
          <p>
            <strong>{revoking.applicationName}</strong> can no longer act for {who(revoking) === 'you' ? 'you' : <strong>{who(revoking)}</strong>}: its access and refresh
            tokens stop working at their next request. To use it again, {who(revoking) === 'you' ? 'you must' : 'the member must'} authorize it anew.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
