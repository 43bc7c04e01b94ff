import { useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { api, withQuery } from '../api/client.js';
import type { AuditEvent, Page } from '../api/types.js';
import { AuditActor } from '../components/audit-actor.js';
import { AuditEventDialog } from '../components/audit-event-dialog.js';
import { type AuditFilterValues, AuditFilters } from '../components/audit-filters.js';
import { AuditTarget } from '../components/audit-target.js';
import { ListPager } from '../components/pager.js';
import { formatDate } from '../format.js';
import { useCursorList } from '../hooks/use-cursor-list.js';
import { useMemberEmails } from '../hooks/use-member-emails.js';
import { useProjectNames } from '../hooks/use-project-names.js';
import { useSession } from '../session.js';
import './audit-page.css';
import { ListBody } from '../components/list-body.js';

const FIELDS = ['action', 'actorId', 'targetId', 'since', 'until'] as const;

/** Local days to the API's instants: "since" from that day's first moment, "until" up to the end of its day. */
function dayStart(date: string, plusDays = 0): string | undefined {
  if (!date) return undefined;
  const day = new Date(`${date}T00:00:00`);
  if (Number.isNaN(day.getTime())) return undefined;
  day.setDate(day.getDate() + plusDays);
  return day.toISOString();
}

/** Month, day and time, plus the year when it is not this year: the full date is in the tooltip. */
function compactDate(iso: string): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleString(undefined, { ...(sameYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * The organization's audit log, newest first. The filters live in the address, so a filtered view can be
 * bookmarked or linked to (the key page links here with its id as the target).
 */
export function AuditPage() {
  const { can } = useSession();
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = useMemo(() => new URLSearchParams(search), [search]);
  const applied = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ''])) as unknown as AuditFilterValues;
  const filterKey = JSON.stringify(applied);
  const emails = useMemberEmails(can('latchkey:members:read'));
  const { names: projectNames } = useProjectNames(can('latchkey:projects:read'));
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const list = useCursorList(
    (cursor, limit) =>
      api<Page<AuditEvent>>(
        'GET',
        withQuery('/v1/audit', {
          cursor,
          limit,
          action: applied.action,
          actorId: applied.actorId,
          targetId: applied.targetId,
          since: dayStart(applied.since),
          until: dayStart(applied.until, 1),
        }),
      ),
    filterKey,
  );
  const filtered = FIELDS.some((f) => applied[f]);

  return (
    <section className="audit-page">
      <h1>Audit log</h1>
      <p className="hint">Every change to keys, tokens, projects, members and permissions, and every sign-in, newest first.</p>
      <AuditFilters
        key={filterKey}
        initial={applied}
        onApply={(values) => navigate(withQuery('/audit', { ...values }))}
      />
      <ListBody list={list} errorTitle="The audit log could not be loaded." loadingLabel="Loading events…" empty={filtered ? 'No events match these filters.' : 'No events yet.'}>
        <div className="table-scroll">
        <table aria-busy={list.loading}>
          <caption className="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">IP</th>
              <th scope="col">Request ID</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((event) => (
              <tr key={event.id}>
                <td className="when">
                  <button type="button" className="link" onClick={() => setOpen(event)} title={formatDate(event.createdAt)}>
                    <time dateTime={event.createdAt}>{compactDate(event.createdAt)}</time>
                  </button>
                </td>
                <td>
                  <button type="button" className="link mono action" aria-label={`View ${event.action}`} onClick={() => setOpen(event)}>
                    {event.action}
                  </button>
                </td>
                <td className="party">
                  <AuditActor actor={event.actor} emails={emails} />
                </td>
                <td className="party">
                  <AuditTarget target={event.target} emails={emails} projectNames={projectNames} />
                </td>
                <td className="mono ip">{event.ip ?? '—'}</td>
                <td className="mono request-id">{event.requestId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </ListBody>
      <ListPager list={list} />
      {open && <AuditEventDialog event={open} emails={emails} projectNames={projectNames} onClose={() => setOpen(null)} />}
    </section>
  );
}
