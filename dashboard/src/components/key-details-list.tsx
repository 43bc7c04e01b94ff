import type { ReactNode } from 'react';
import type { KeyView } from '../api/types.js';
import { formatDate } from '../format.js';
import { Link } from 'wouter';
import { StatusBadge } from './status-badge.js';
import './key-details-list.css';

const UNITS: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
];

/** A period in the largest whole unit it divides into: 60000 → "1 minute", 90000 → "90 seconds". */
function formatDuration(ms: number): string {
  for (const [size, name] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n.toLocaleString()} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Every field of a key as the API reports it, with names in place of ids where they are known. */
export function KeyDetailsList({ keyView: key, projectNames, emails }: { keyView: KeyView; projectNames: Map<string, string>; emails: Map<string, string> }) {
  const credits = key.credits as (KeyView['credits'] & { refilledAt?: string | null }) | null;
  const creator = key.createdBy;
  return (
    <dl className="details">
      <Row term="ID">
        <span className="mono">{key.id}</span>
      </Row>
      <Row term="Name">{key.name}</Row>
      <Row term="Description">{key.description || <span className="hint">None</span>}</Row>
      <Row term="Start">
        <span className="mono">{key.start}…</span>
      </Row>
      <Row term="Status">
        <StatusBadge keyView={key} />
      </Row>
      <Row term="Environment">{key.environment}</Row>
      <Row term="Permissions">
        {key.permissions.length === 0 ? (
          <span className="hint">None</span>
        ) : (
          <ul className="chips plain-list" aria-label="Permissions">
            {key.permissions.map((p) => (
              <li key={p} className="chip">
                {p}
              </li>
            ))}
          </ul>
        )}
      </Row>
      <Row term="Projects">
        {key.projectIds === null ? (
          'All projects'
        ) : (
          <ul className="chips plain-list" aria-label="Projects">
            {key.projectIds.map((id) => (
              <li key={id} className="chip" title={id}>
                {projectNames.get(id) ?? id}
              </li>
            ))}
          </ul>
        )}
      </Row>
      <Row term="Created by">
        {creator.type === 'key' ? (
          <>
            key <Link to={`/keys/${creator.id}`} className="mono">{creator.id}</Link>
          </>
        ) : (
          <>
            {creator.type} <span title={creator.id}>{emails.get(creator.id) ?? <span className="mono">{creator.id}</span>}</span>
          </>
        )}
      </Row>
      <Row term="Created">{formatDate(key.createdAt)}</Row>
      <Row term="Updated">{formatDate(key.updatedAt)}</Row>
      <Row term="Expires">{key.expiresAt ? formatDate(key.expiresAt) : 'Never'}</Row>
      <Row term="Last used">{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'Never'}</Row>
      <Row term="Revoked">{key.revokedAt ? formatDate(key.revokedAt) : 'No'}</Row>
      <Row term="Enabled">{key.enabled ? 'Yes' : 'No'}</Row>
      <Row term="Rate limit">
        {key.rateLimit ? `${key.rateLimit.limit.toLocaleString()} calls per ${formatDuration(key.rateLimit.windowMs)}` : 'None'}
      </Row>
      <Row term="Credits">
        {credits ? (
          <>
            {credits.remaining.toLocaleString()} remaining
            {credits.refillAmount && credits.refillIntervalMs
              ? `; refilled to ${credits.refillAmount.toLocaleString()} every ${formatDuration(credits.refillIntervalMs)}`
              : '; no refill'}
            {credits.refilledAt ? ` (last refill ${formatDate(credits.refilledAt)})` : ''}
          </>
        ) : (
          'Unlimited'
        )}
      </Row>
      <Row term="IP ranges">
        {key.ipRanges && key.ipRanges.length > 0 ? (
          <ul className="chips plain-list" aria-label="IP ranges">
            {key.ipRanges.map((range) => (
              <li key={range} className="chip">
                {range}
              </li>
            ))}
          </ul>
        ) : (
          'Any address'
        )}
      </Row>
      <Row term="Metadata">{key.metadata ? <pre className="json">{JSON.stringify(key.metadata, null, 2)}</pre> : <span className="hint">None</span>}</Row>
    </dl>
  );
}
