import { useState } from 'react';
import { api } from '../api/client.js';
import type { BulkResult } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage } from '../components/states.js';
import { bulkError, countKeys } from './bulk-error.js';
import { describeGrace, GracePeriodField, parseGraceMinutes } from './grace-period-field.js';

/**
 * Regenerates every selected key in one all-or-nothing request, then lists each new secret once. The secrets live
 * only in this component; closing the dialog drops them.
 */
export function BulkRegenerateDialog(props: { selected: ReadonlyMap<string, string>; onClose: (changed: boolean) => void }) {
  const count = props.selected.size;
  const [grace, setGrace] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [secrets, setSecrets] = useState<{ id: string; name: string; secret: string }[] | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}.`);
    } catch {
      setCopied('The browser refused the clipboard; select the text and copy it.');
    }
  };

  if (secrets) {
    return (
      <Dialog title={`New secrets for ${countKeys(secrets.length)}`} onClose={() => props.onClose(true)} wide>
        <div className="secret-reveal">
          <p className="warning" role="alert">
            <strong>Copy these secrets now.</strong> Each is shown only once: Latchkey stores only digests and cannot show them again.
          </p>
        </div>
        <div className="bulk-secrets">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">New secret</th>
                <th scope="col">
                  <span className="visually-hidden">Copy</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((row) => (
                <tr key={row.id}>
                  <td>{row.name}</td>
                  <td>
                    <input className="secret mono" readOnly value={row.secret} aria-label={`New secret for ${row.name}`} onFocus={(event) => event.currentTarget.select()} />
                  </td>
                  <td>
                    <button type="button" aria-label={`Copy secret for ${row.name}`} onClick={() => void copy(row.secret, `the secret for ${row.name}`)}>
                      Copy
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p aria-live="polite" className="hint">
          {copied ?? ''}
        </p>
        <div className="actions">
          <button type="button" onClick={() => void copy(secrets.map((row) => `${row.name}\t${row.secret}`).join('\n'), 'every name and secret, one per line')}>
            Copy all
          </button>
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const parsed = parseGraceMinutes(grace);
  return (
    <Dialog title={`Regenerate ${countKeys(count)}?`} onClose={() => props.onClose(false)}>
      <form
        className="form key-form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          if ('error' in parsed) {
            setFieldError(parsed.error);
            return;
          }
          setFieldError(undefined);
          setBusy(true);
          try {
            const ids = [...props.selected.keys()];
            const body = { action: 'regenerate', ids, ...(parsed.seconds > 0 ? { gracePeriodSeconds: parsed.seconds } : {}) };
            const answer = await api<BulkResult>('POST', '/v1/keys/bulk', body);
            setSecrets(answer.results.filter((r) => r.secret).map((r) => ({ id: r.id, name: props.selected.get(r.id) ?? r.id, secret: r.secret! })));
          } catch (caught) {
            setError(bulkError(caught, 'regenerate', props.selected));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          Each of the {countKeys(count)} gets a new secret, shown once on the next screen. {'seconds' in parsed ? describeGrace(parsed.seconds) : ''} If any key cannot be
          regenerated, none is.
        </p>
        <GracePeriodField value={grace} onChange={setGrace} error={fieldError} />
        {error !== null && <ErrorMessage error={error} />}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Regenerating…' : `Regenerate ${countKeys(count)}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
