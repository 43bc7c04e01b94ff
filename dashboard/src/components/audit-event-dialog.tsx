import type { AuditEvent } from '../api/types.js';
import { formatDate } from '../format.js';
import { AuditActor } from './audit-actor.js';
import { AuditTarget } from './audit-target.js';
import { Dialog } from './dialog.js';
import './key-details-list.css';

/** Every field of one audit event, details as formatted JSON. */
export function AuditEventDialog({ event, emails, projectNames, onClose }: { event: AuditEvent; emails: Map<string, string>; projectNames: Map<string, string>; onClose: () => void }) {
  return (
    <Dialog title="Audit event" onClose={onClose} wide>
      <dl className="details">
        <dt>ID</dt>
        <dd className="mono">{event.id}</dd>
        <dt>When</dt>
        <dd>
          <time dateTime={event.createdAt}>{formatDate(event.createdAt)}</time> <span className="hint mono">{event.createdAt}</span>
        </dd>
        <dt>Action</dt>
        <dd className="mono">{event.action}</dd>
        <dt>Actor</dt>
        <dd>
          <AuditActor actor={event.actor} emails={emails} />
          {event.actor.type === 'user' && event.actor.id && emails.has(event.actor.id) && <div className="hint mono">{event.actor.id}</div>}
        </dd>
        <dt>Target</dt>
        <dd>
          <AuditTarget target={event.target} emails={emails} projectNames={projectNames} />
          {event.target && event.target.type !== 'key' && (emails.has(event.target.id) || projectNames.has(event.target.id)) && (
            <div className="hint mono">{event.target.id}</div>
          )}
        </dd>
        <dt>IP address</dt>
        <dd className="mono">{event.ip ?? '—'}</dd>
        <dt>Request ID</dt>
        <dd className="mono">{event.requestId ?? '—'}</dd>
        <dt>Details</dt>
        <dd>{event.details ? <pre className="json">{JSON.stringify(event.details, null, 2)}</pre> : <span className="hint">None</span>}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
