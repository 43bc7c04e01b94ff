import type { AuditEvent } from '../api/types.js';
import './audit-party.css';

/** Who acted: a user by email where the member list knows them, a key or anything else by its id. */
export function AuditActor({ actor, emails }: { actor: AuditEvent['actor']; emails: Map<string, string> }) {
  const email = actor.type === 'user' && actor.id ? emails.get(actor.id) : undefined;
  return (
    <span className="audit-party">
      <span className="party-type">{actor.type}</span>{' '}
      {email ? (
        <span title={actor.id ?? undefined}>{email}</span>
      ) : (
        <span className="mono">{actor.id ?? '—'}</span>
      )}
    </span>
  );
}
