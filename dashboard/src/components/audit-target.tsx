import type { AuditEvent } from '../api/types.js';
import { Link } from 'wouter';
import './audit-party.css';

/** What an event touched; keys link to their page, users and projects read by email and name where known. */
export function AuditTarget({ target, emails, projectNames }: { target: AuditEvent['target']; emails: Map<string, string>; projectNames: Map<string, string> }) {
  if (!target) return <span>—</span>;
  const known = target.type === 'user' ? emails.get(target.id) : target.type === 'project' ? projectNames.get(target.id) : undefined;
  return (
    <span className="audit-party">
      <span className="party-type">{target.type}</span>{' '}
      {target.type === 'key' ? (
        <Link to={`/keys/${target.id}`} className="mono">
          {target.id}
        </Link>
      ) : known ? (
        <span title={target.id}>{known}</span>
      ) : (
        <span className="mono">{target.id}</span>
      )}
    </span>
  );
}
