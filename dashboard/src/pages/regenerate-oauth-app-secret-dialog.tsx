import { useState } from 'react';
import { api } from '../api/client.js';
import type { OAuthApplication, OAuthApplicationWithSecret } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage } from '../components/states.js';
import { GracePeriodField, parseGraceMinutes } from './grace-period-field.js';

function describeAppGrace(seconds: number): string {
  if (seconds === 0) return 'The old secret stops working immediately.';
  const minutes = seconds / 60;
  const span = minutes % 1440 === 0 ? `${minutes / 1440} day${minutes === 1440 ? '' : 's'}` : minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `The old secret keeps working for ${span}, so the application can switch over.`;
}

/** Rolls an application's client secret, with an optional grace period for the old one; the new one is shown once. */
export function RegenerateOAuthAppSecretDialog(props: { app: OAuthApplication; onClose: (changed: boolean) => void }) {
  const { app } = props;
  const [grace, setGrace] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ secret: string; graceSeconds: number } | null>(null);

  if (result) {
    return (
      <Dialog title={`New secret for ${app.name}`} onClose={() => props.onClose(true)} wide>
        <p>
          Client id <span className="mono">{app.clientId}</span>. {describeAppGrace(result.graceSeconds)}
        </p>
        <SecretReveal secret={result.secret} what="client secret" />
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
    <Dialog title={`Regenerate the secret of ${app.name}?`} onClose={() => props.onClose(false)}>
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
            const body = parsed.seconds > 0 ? { graceSeconds: parsed.seconds } : {};
            const rolled = await api<OAuthApplicationWithSecret>('POST', `/v1/oauth/applications/${encodeURIComponent(app.id)}/secret`, body);
            setResult({ secret: rolled.clientSecret ?? '', graceSeconds: parsed.seconds });
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          <strong>{app.name}</strong> (<span className="mono">{app.clientId}</span>) gets a new client secret, shown once. {'seconds' in parsed ? describeAppGrace(parsed.seconds) : ''}
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
