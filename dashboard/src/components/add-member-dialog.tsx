import { useState } from 'react';
import { api } from '../api/client.js';
import type { Role } from '../api/types.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { grantableRoles, ROLE_SUMMARY } from './grantable-roles.js';
import { ErrorMessage } from './states.js';
import { useSubmission } from '../hooks/use-submission.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Adds someone to the organization; a new email becomes a Latchkey account with the password given here. */
export function AddMemberDialog({ ownRole, onClose, onAdded }: { ownRole: Role | null; onClose: () => void; onAdded: () => void }) {
  const roles = grantableRoles(ownRole);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('member') ? 'member' : (roles[roles.length - 1] ?? 'viewer'));
  const [password, setPassword] = useState('');
  const { errors, error, busy, check, send } = useSubmission();

  return (
    <Dialog title="Add member" onClose={onClose}>
      <form
        className="form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (!EMAIL.test(email.trim())) found.email = 'Enter an email address such as someone@example.com.';
          if (name.length > 100) found.name = 'Use at most 100 characters.';
          if (password && password.length < 12) found.password = 'Use at least 12 characters, or leave it empty for an existing account.';
          if (password.length > 256) found.password = 'Use at most 256 characters.';
          if (!check(form, found)) return;
          await send(form, async () => {
            await api('POST', '/v1/members', {
              email: email.trim(),
              role,
              ...(name.trim() ? { name: name.trim() } : {}),
              ...(password ? { password } : {}),
            });
            onAdded();
            onClose();
          });
        }}
      >
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} autoComplete="off" autoFocus required />}
        </Field>
        <Field label="Name" error={errors.name} hint="Optional; an existing account keeps its own name.">
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" />}
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
        <Field label="Password" error={errors.password} hint="Needed only when this email has no Latchkey account yet; at least 12 characters">
          {(a) => <input {...a} type="password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={256} autoComplete="new-password" />}
        </Field>
        {error !== null && <ErrorMessage error={error} title="Nobody was added." />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
