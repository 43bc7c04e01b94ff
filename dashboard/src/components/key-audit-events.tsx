import { api, withQuery } from '../api/client.js';
import type { AuditEvent, Page } from '../api/types.js';
import { formatDate } from '../format.js';
import { useLoad } from '../hooks/use-load.js';
import { Link } from 'wouter';
import { AuditActor } from './audit-actor.js';
import { Empty, ErrorMessage, Loading } from './states.js';

/** The latest twenty audit events about one key, newest first, with a way into the full log. */
export function KeyAuditEvents({ keyId, emails }: { keyId: string; emails: Map<string, string> }) {
  const events = useLoad(() => api<Page<AuditEvent>>('GET', withQuery('/v1/audit', { targetId: keyId, limit: 20 })), [keyId]);
  return (
    <section aria-labelledby="events-heading" className="key-section">
      <div className="section-header">
        <h2 id="events-heading">Recent events</h2>
        <Link to={`/audit?targetId=${encodeURIComponent(keyId)}`}>Open in the audit log</Link>
      </div>
      {events.error !== null ? (
        <ErrorMessage error={events.error} title="The events could not be loaded." />
      ) : !events.data ? (
        <Loading label="Loading events…" />
      ) : events.data.items.length === 0 ? (
        <Empty>No audit events for this key yet.</Empty>
      ) : (
        <table>
          <caption className="visually-hidden">Recent audit events of this key, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">IP</th>
            </tr>
          </thead>
          <tbody>
            {events.data.items.map((event) => (
              <tr key={event.id}>
                <td>
                  <time dateTime={event.createdAt}>{formatDate(event.createdAt)}</time>
                </td>
                <td className="mono">{event.action}</td>
                <td>
                  <AuditActor actor={event.actor} emails={emails} />
                </td>
                <td className="mono">{event.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
