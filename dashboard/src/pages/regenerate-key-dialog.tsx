import { useState } from 'react';
import { api } from '../api/client.js';
import type { KeyView, KeyWithSecret } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage } from '../components/states.js';
import { describeGrace, GracePeriodField, parseGraceMinutes } from './grace-period-field.js';

/**
 * Rolls one key's secret. The form is the confirmation (it names the key and what happens to the old secret);
 * the new secret is then shown once and dropped with the dialog.
 */
export function RegenerateKeyDialog(props: { keyView: KeyView; onClose: (changed: boolean) => void }) {
  const key = props.keyView;
  const [grace, setGrace] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ secret: string; graceSeconds: number } | null>(null);

  if (result) {
    return (
      <Dialog title={`New secret for ${key.name}`} onClose={() => props.onClose(true)} wide>
        <p>{describeGrace(result.graceSeconds)}</p>
        <SecretReveal secret={result.secret} />
        <div className="actions">
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const parsed = parseGraceMinutes(grace);
  return (
    <Dialog title={`Regenerate ${key.name}?`} onClose={() => props.onClose(false)}>
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
            const body = parsed.seconds > 0 ? { gracePeriodSeconds: parsed.seconds } : {};
            const rolled = await api<KeyWithSecret>('POST', `/v1/keys/${encodeURIComponent(key.id)}/regenerate`, body);
            setResult({ secret: rolled.secret, graceSeconds: parsed.seconds });
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          The key <strong>{key.name}</strong> (<span className="mono">{key.start}…</span>) gets a new secret, shown once.{' '}
          {'seconds' in parsed ? describeGrace(parsed.seconds) : ''}
        </p>
        <GracePeriodField value={grace} onChange={setGrace} error={fieldError} />
        {error !== null && <ErrorMessage error={error} title="Nothing was changed." />}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Regenerating…' : 'Regenerate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
