import { api, ApiError } from '../api/client.js';
import type { KeyView } from '../api/types.js';
import { KeyAuditEvents } from '../components/key-audit-events.js';
import { KeyDetailsList } from '../components/key-details-list.js';
import { KeyUsagePanel } from '../components/key-usage-panel.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useLoad } from '../hooks/use-load.js';
import { useMemberEmails } from '../hooks/use-member-emails.js';
import { useProjectNames } from '../hooks/use-project-names.js';
import { Link } from 'wouter';
import { useSession } from '../session.js';
import './key-detail-page.css';

/** One organization key: every field, its recent audit events and its verifications over time. */
export function KeyDetailPage({ keyId }: { keyId: string }) {
  const { can } = useSession();
  const key = useLoad(() => api<KeyView>('GET', `/v1/keys/${encodeURIComponent(keyId)}`), [keyId]);
  const { names: projectNames } = useProjectNames(can('latchkey:projects:read'));
  const emails = useMemberEmails(can('latchkey:members:read'));

  const back = (
    <Link to="/keys" className="back-link">
      ← All keys
    </Link>
  );

  if (key.error !== null) {
    // An id of the wrong shape is refused by validation before lookup; to the reader it is just as absent.
    const missing = key.error instanceof ApiError && (key.error.code === 'NOT_FOUND' || (key.error.status === 400 && key.error.code === 'VALIDATION_FAILED'));
    return (
      <section className="key-detail">
        {back}
        {missing ? (
          <>
            <h1>No such key</h1>
            <p>
              There is no key <span className="mono">{keyId}</span> in this organization, or it is outside your projects. It may have been deleted.
            </p>
            <p>
              <Link to="/keys">Back to all keys</Link>
            </p>
          </>
        ) : (
          <>
            <h1>Key</h1>
            <ErrorMessage error={key.error} title="The key could not be loaded." />
            <button type="button" onClick={key.reload}>
              Try again
            </button>
          </>
        )}
      </section>
    );
  }
  if (!key.data) {
    return (
      <section className="key-detail">
        {back}
        <Loading label="Loading the key…" />
      </section>
    );
  }

  const view = key.data;
  return (
    <section className="key-detail">
      {back}
      <div className="page-header">
        <h1>{view.name}</h1>
        <StatusBadge keyView={view} />
      </div>
      <section aria-labelledby="details-heading" className="key-section">
        <h2 id="details-heading" className="visually-hidden">
          Details
        </h2>
        <KeyDetailsList keyView={view} projectNames={projectNames} emails={emails} />
      </section>
      <KeyUsagePanel keyId={view.id} />
      {can('latchkey:audit:read') ? (
        <KeyAuditEvents keyId={view.id} emails={emails} />
      ) : (
        <section className="key-section">
          <h2>Recent events</h2>
          <p className="hint">Your role does not include the audit log.</p>
        </section>
      )}
    </section>
  );
}
