import { useState } from 'react';
import { api } from '../api/client.js';
import type { KeyView } from '../api/types.js';
import { formatDate } from '../format.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { parseExpiryDate, tomorrowInputValue } from '../pages/key-expiry.js';
import { ErrorMessage } from './states.js';
import './token-fields.css';
import { useSubmission } from '../hooks/use-submission.js';

type Expiry = 'keep' | 'never' | '30d' | '90d' | 'date';
const DAY = 86_400_000;

/** Changes what a personal token is for, whether it works, and when it stops; only what changed is sent. */
export function TokenEditDialog({ token, onClose, onSaved }: { token: KeyView; onClose: () => void; onSaved: () => void }) {
  const [description, setDescription] = useState(token.description);
  const [enabled, setEnabled] = useState(token.enabled);
  const [expiry, setExpiry] = useState<Expiry>('keep');
  const [date, setDate] = useState('');
  const { errors, error, busy, check, send } = useSubmission();

  const patch = () => {
    const body: { name?: string; description?: string; enabled?: boolean; expiresAt?: string | null } = {};
    if (description.trim() !== token.description) {
      body.description = description.trim();
      // A token created without a name took it from its description; keep the two together so search finds it.
      if (token.name === token.description.slice(0, 100)) body.name = body.description.slice(0, 100);
    }
    if (enabled !== token.enabled) body.enabled = enabled;
    if (expiry === 'never') body.expiresAt = null;
    if (expiry === '30d' || expiry === '90d') body.expiresAt = new Date(Date.now() + (expiry === '30d' ? 30 : 90) * DAY).toISOString();
    if (expiry === 'date') {
      const parsed = parseExpiryDate(date);
      if ('iso' in parsed) body.expiresAt = parsed.iso;
    }
    return body;
  };

  return (
    <Dialog title={`Edit ${token.description || token.name}`} onClose={onClose}>
      <form
        className="form token-form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (!description.trim()) found.description = 'Say what the token is for.';
          if (expiry === 'date') {
            const parsed = parseExpiryDate(date);
            if ('error' in parsed) found.expiresAt = parsed.error;
          }
          if (!check(form, found)) return;
          const body = patch();
          if (Object.keys(body).length === 0) return onClose();
          await send(form, async () => {
            await api('PATCH', `/v1/tokens/${encodeURIComponent(token.id)}`, body);
            onSaved();
            onClose();
          });
        }}
      >
        <Field label="Description" error={errors.description}>
          {(a) => <input {...a} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} required />}
        </Field>
        <div>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} aria-describedby={`enabled-hint-${token.id}`} /> Enabled
          </label>
          <div className="hint" id={`enabled-hint-${token.id}`}>
            A disabled token is refused until you enable it again.
          </div>
        </div>
        <Field label="Expiration" error={expiry === 'date' ? undefined : errors.expiresAt}>
          {(a) => (
            <select {...a} value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)}>
              <option value="keep">Keep: {token.expiresAt ? formatDate(token.expiresAt) : 'never'}</option>
              <option value="never">Never</option>
              <option value="30d">30 days from now</option>
              <option value="90d">90 days from now</option>
              <option value="date">On a date…</option>
            </select>
          )}
        </Field>
        {expiry === 'date' && (
          <Field label="Expiry date" error={errors.expiresAt} hint="The token stops working at 00:00 on this day, your time.">
            {(a) => <input {...a} type="date" value={date} min={tomorrowInputValue()} onChange={(e) => setDate(e.target.value)} />}
          </Field>
        )}
        {error !== null && <ErrorMessage error={error} title="Nothing was changed." />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
