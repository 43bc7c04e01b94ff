import { useState } from 'react';
import { api } from '../api/client.js';
import type { Catalog, KeyWithSecret } from '../api/types.js';
import { useLoad } from '../hooks/use-load.js';
import { useProjectNames } from '../hooks/use-project-names.js';
import { useSession } from '../session.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { parseExpiryDate, tomorrowInputValue } from '../pages/key-expiry.js';
import { SecretReveal } from './secret-reveal.js';
import { ErrorMessage } from './states.js';
import { TokenPermissionsField } from './token-permissions-field.js';
import { TokenProjectsField } from './token-projects-field.js';
import { useSubmission } from '../hooks/use-submission.js';

type Expiry = 'never' | '30d' | '90d' | 'date';

/** Only reached after validation accepted the date; the server still checks what it is sent. */
const isoOf = (parsed: { iso: string } | { error: string }) => ('iso' in parsed ? parsed.iso : '');

/**
 * Creates a personal access token for the signed-in member and shows its secret once. The secret lives only in
 * this dialog's state, so closing the dialog forgets it.
 */
export function TokenCreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { can } = useSession();
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('90d');
  const [date, setDate] = useState('');
  const [permissions, setPermissions] = useState<string[]>([]);
  const [projectIds, setProjectIds] = useState<string[] | null>(null);
  const { errors, error, busy, check, send } = useSubmission();
  const [created, setCreated] = useState<KeyWithSecret | null>(null);
  const catalog = useLoad(
    () => (can('latchkey:permissions:read') ? api<Catalog>('GET', '/v1/permissions') : Promise.resolve(null)),
    [],
  );
  const { projects } = useProjectNames(can('latchkey:projects:read'));
  const grantable = (catalog.data?.permissions ?? []).filter((p) => can(p.name));

  if (created) {
    return (
      <Dialog title="Create personal access token" onClose={onClose} wide>
        <p>
          The token <strong>{created.description}</strong> exists. Use it as a bearer token: <span className="mono">Authorization: Bearer …</span>
        </p>
        <SecretReveal secret={created.secret} what="token" />
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const validate = () => {
    const found: Record<string, string> = {};
    if (!description.trim()) found.description = 'Say what the token is for.';
    else if (description.length > 1000) found.description = 'Use at most 1,000 characters.';
    if (expiry === 'date') {
      const parsed = parseExpiryDate(date);
      if ('error' in parsed) found.expiresAt = parsed.error;
    }
    if (projectIds !== null && projectIds.length === 0) found.projectIds = 'Check at least one project, or choose all projects.';
    return found;
  };

  return (
    <Dialog title="Create personal access token" onClose={onClose} wide>
      <form
        className="form token-form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found = validate();
          if (!check(form, found)) return;
          await send(form, async () => {
            const body = {
              description: description.trim(),
              ...(expiry === 'date' ? { expiresAt: isoOf(parseExpiryDate(date)) } : { expiresIn: expiry }),
              // Omitted, not empty: an empty list would be a token that may do nothing at all.
              ...(permissions.length > 0 ? { permissions } : {}),
              ...(projectIds !== null ? { projectIds } : {}),
            };
            setCreated(await api<KeyWithSecret>('POST', '/v1/tokens', body));
            onCreated();
          });
        }}
      >
        <Field label="Description" error={errors.description} hint="What the token is for, such as “CI deploys” or “laptop CLI”.">
          {(a) => <input {...a} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} autoFocus required />}
        </Field>
        <Field label="Expiration" error={expiry === 'date' ? undefined : errors.expiresAt ?? errors.expiresIn}>
          {(a) => (
            <select {...a} value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)}>
              <option value="never">Never</option>
              <option value="30d">In 30 days</option>
              <option value="90d">In 90 days</option>
              <option value="date">On a date…</option>
            </select>
          )}
        </Field>
        {expiry === 'date' && (
          <Field label="Expiry date" error={errors.expiresAt} hint="The token stops working at 00:00 on this day, your time.">
            {(a) => <input {...a} type="date" value={date} min={tomorrowInputValue()} onChange={(e) => setDate(e.target.value)} />}
          </Field>
        )}
        {catalog.error !== null ? (
          <ErrorMessage error={catalog.error} title="The permission list could not be loaded; the token will act with your role's permissions." />
        ) : (
          grantable.length > 0 && <TokenPermissionsField catalog={grantable} selected={permissions} onChange={setPermissions} error={errors.permissions} />
        )}
        {projects.length > 0 && <TokenProjectsField projects={projects} value={projectIds} onChange={setProjectIds} error={errors.projectIds} />}
        {error !== null && <ErrorMessage error={error} title="The token was not created." />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
