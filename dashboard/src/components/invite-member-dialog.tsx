import { useState } from 'react';
import { api } from '../api/client.js';
import type { InvitationWithToken, Role } from '../api/types.js';
import { formatDay } from '../format.js';
import { useSubmission } from '../hooks/use-submission.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { grantableRoles, ROLE_SUMMARY } from './grantable-roles.js';
import { SecretReveal } from './secret-reveal.js';
import { ErrorMessage } from './states.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The link a person opens to accept. The token rides in the fragment, which browsers never send to a server,
 * so it stays out of request lines, proxy logs and Referer headers (the server refuses tokens in query strings).
 */
export function invitationLink(token: string): string {
  return `${window.location.origin}/invite#token=${encodeURIComponent(token)}`;
}

/**
 * Invites someone by email. Nobody is added yet: the link, shown once, lets the invitee accept, with their
 * existing account or a new one. Whether the email has an account is not shown here, and the server does not say.
 */
export function InviteMemberDialog({ ownRole, onClose, onInvited }: { ownRole: Role | null; onClose: () => void; onInvited: () => void }) {
  const roles = grantableRoles(ownRole);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('member') ? 'member' : (roles[roles.length - 1] ?? 'viewer'));
  const [created, setCreated] = useState<InvitationWithToken | null>(null);
  const { errors, error, busy, check, send } = useSubmission();

  if (created) {
    return (
      <Dialog title="Invitation link" onClose={onClose}>
        <p>
          Send this link to <strong>{created.email}</strong>. Opening it lets them join as <strong>{created.role}</strong>, signed in to
          their Latchkey account or by creating one. It works once, until {formatDay(created.expiresAt)}.
        </p>
        <SecretReveal secret={invitationLink(created.token)} what="invitation link" />
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Invite member" onClose={onClose}>
      <form
        className="form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (!EMAIL.test(email.trim())) found.email = 'Enter an email address such as someone@example.com.';
          if (!check(form, found)) return;
          await send(form, async () => {
            setCreated(await api<InvitationWithToken>('POST', '/v1/invitations', { email: email.trim(), role }));
            onInvited();
          });
        }}
      >
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} autoComplete="off" autoFocus required />}
        </Field>
        <Field label="Role" error={errors.role} hint={ROLE_SUMMARY[role]}>
          {(a) => (
            <select {...a} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        {error !== null && <ErrorMessage error={error} title="Nobody was invited." />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Inviting…' : 'Invite'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
