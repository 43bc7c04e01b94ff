import { useState } from 'react';
import { api } from '../api/client.js';
import type { OAuthClientBulkResult } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage } from '../components/states.js';
import { countCredentials } from './oauth-count.js';
import { SecretsTable } from './oauth-secrets-table.js';

type Outcome = { id: string; name: string; outcome: 'deleted' | 'regenerated' | 'not_found'; secret?: string };

/**
 * Deletes or regenerates every selected client credential in one request. The server answers per credential
 * (one deleted meanwhile is `not_found`, the rest still go through), so the dialog then says what happened to
 * each: new secrets once, and the ones that no longer existed by name.
 */
export function OAuthClientBulkDialog(props: { action: 'delete' | 'regenerate'; selected: ReadonlyMap<string, string>; onClose: (changed: boolean) => void }) {
  const count = props.selected.size;
  const verb = props.action === 'delete' ? 'Delete' : 'Regenerate secrets of';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);

  if (outcomes) {
    const missing = outcomes.filter((o) => o.outcome === 'not_found');
    const secrets = outcomes.filter((o) => o.secret !== undefined).map((o) => ({ id: o.id, name: o.name, secret: o.secret! }));
    const done = outcomes.length - missing.length;
    return (
      <Dialog title={props.action === 'delete' ? `Deleted ${countCredentials(done)}` : `New secrets for ${countCredentials(done)}`} onClose={() => props.onClose(true)} wide>
        {missing.length > 0 && (
          <p className="warning" role="status">
            {missing.length === 1 ? '1 selected credential no longer existed' : `${missing.length.toLocaleString()} selected credentials no longer existed`}, so nothing was done to{' '}
            {missing.length === 1 ? 'it' : 'them'}: {missing.slice(0, 5).map((o) => o.name).join(', ')}
            {missing.length > 5 ? ` and ${(missing.length - 5).toLocaleString()} more` : ''}.
          </p>
        )}
        {props.action === 'delete' && <p>Every token issued with {done === 1 ? 'it' : 'them'} has stopped working.</p>}
        {secrets.length > 0 && <SecretsTable rows={secrets} label="User" />}
        <div className="actions">
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`${verb} ${countCredentials(count)}?`} onClose={() => props.onClose(false)}>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const answer = await api<OAuthClientBulkResult>('POST', '/v1/oauth/clients/bulk', { action: props.action, ids: [...props.selected.keys()] });
            setOutcomes(
              answer.results.map((r) => ({ id: r.id, name: props.selected.get(r.id) ?? r.id, outcome: r.outcome, ...(r.clientSecret !== undefined ? { secret: r.clientSecret } : {}) })),
            );
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="confirm-text">
          <p>
            {props.action === 'delete' ? 'Delete' : 'Regenerate the secrets of'} the {countCredentials(count)} selected, across every page:{' '}
            {[...props.selected.values()].slice(0, 3).join(', ')}
            {count > 3 ? ` and ${(count - 3).toLocaleString()} more` : ''}.
          </p>
          <p>
            {props.action === 'delete'
              ? 'Their users can no longer get tokens with them, and every token already issued with them stops working at once.'
              : 'Each gets a new secret, shown once on the next screen. The old secrets stop working at once; access tokens already issued with them run until they expire.'}
          </p>
        </div>
        {error !== null && <ErrorMessage error={error} title="Nothing was changed." />}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className={props.action === 'delete' ? 'danger' : 'primary'} disabled={busy} autoFocus>
            {busy ? 'Working…' : props.action === 'delete' ? `Delete ${countCredentials(count)}` : `Regenerate ${countCredentials(count)}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
