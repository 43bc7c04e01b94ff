import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Member, OAuthClientWithSecret, Page } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { loadAll } from '../hooks/use-cursor-list.js';
import { useLoad } from '../hooks/use-load.js';

/**
 * Generates a client id and secret for a member chosen from the organization (one per member). The server refuses
 * a second one for the same member; its message is shown as it is. The secret is then shown once.
 */
export function CreateOAuthClientDialog(props: { onClose: (created: boolean) => void }) {
  const members = useLoad(() => loadAll((cursor, limit) => api<Page<Member>>('GET', withQuery('/v1/members', { cursor, limit }))), []);
  const [userId, setUserId] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<OAuthClientWithSecret | null>(null);

  if (created) {
    return (
      <Dialog title={`Client credential for ${created.client.userEmail}`} onClose={() => props.onClose(true)} wide>
        <p>
          Client id <span className="mono" data-testid="client-id">{created.client.clientId}</span>. Requests made with it act as{' '}
          <strong>{created.client.userEmail}</strong>, never beyond that member&apos;s role.
        </p>
        <SecretReveal secret={created.clientSecret} what="client secret" />
        <div className="actions">
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Create client credential" onClose={() => props.onClose(false)}>
      <form
        className="form key-form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          if (userId === '') {
            setFieldError('Choose the member the credential acts for.');
            return;
          }
          setFieldError(undefined);
          setBusy(true);
          try {
            setCreated(await api<OAuthClientWithSecret>('POST', '/v1/oauth/clients', { userId }));
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>A client id and secret for one member: a service presents them (grant type client_credentials) and acts as that member. Each member has at most one.</p>
        {members.loading && !members.data ? (
          <Loading label="Loading members…" />
        ) : members.data ? (
          <Field label="User" error={fieldError}>
            {(a) => (
              <select {...a} value={userId} onChange={(event) => setUserId(event.target.value)} autoFocus>
                <option value="">Choose a member…</option>
                {members.data!.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.email} ({member.role})
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <ErrorMessage error={members.error} title="The members could not be loaded, so no credential can be created." />
        )}
        {error !== null && <ErrorMessage error={error} />}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !members.data}>
            {busy ? 'Generating…' : 'Generate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
