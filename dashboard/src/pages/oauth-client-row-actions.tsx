import { useState } from 'react';
import { api } from '../api/client.js';
import type { OAuthClient, OAuthClientWithSecret } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Dialog } from '../components/dialog.js';
import { SecretReveal } from '../components/secret-reveal.js';

/** One client credential's actions, each confirmed with the member it belongs to named. */
export function OAuthClientRowActions(props: { client: OAuthClient; onChanged: () => void; onDeleted: (id: string) => void }) {
  const { client } = props;
  const [open, setOpen] = useState<'regenerate' | 'delete' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const path = `/v1/oauth/clients/${encodeURIComponent(client.id)}`;

  return (
    <div className="row-actions">
      <button type="button" aria-label={`Regenerate secret for ${client.userEmail}`} onClick={() => setOpen('regenerate')}>
        Regenerate secret
      </button>
      <button type="button" className="danger-text" aria-label={`Delete credential for ${client.userEmail}`} onClick={() => setOpen('delete')}>
        Delete
      </button>

      {open === 'regenerate' && (
        <ConfirmDialog
          title={`Regenerate the secret for ${client.userEmail}?`}
          confirmLabel="Regenerate"
          onConfirm={async () => {
            const answer = await api<OAuthClientWithSecret>('POST', `${path}/secret`);
            setSecret(answer.clientSecret);
          }}
          onClose={() => setOpen(null)}
        >
          <p>
            Client <span className="mono">{client.clientId}</span> gets a new secret, shown once. The old secret stops working at once; access tokens already issued
            with it run until they expire.
          </p>
        </ConfirmDialog>
      )}
      {secret !== null && (
        <Dialog
          title={`New secret for ${client.userEmail}`}
          onClose={() => {
            setSecret(null);
            props.onChanged();
          }}
          wide
        >
          <p>
            Client id <span className="mono">{client.clientId}</span>
          </p>
          <SecretReveal secret={secret} what="client secret" />
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setSecret(null);
                props.onChanged();
              }}
            >
              Done
            </button>
          </div>
        </Dialog>
      )}
      {open === 'delete' && (
        <ConfirmDialog
          title={`Delete the credential for ${client.userEmail}?`}
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await api<void>('DELETE', path);
            props.onDeleted(client.id);
            props.onChanged();
          }}
          onClose={() => setOpen(null)}
        >
          <p>
            Client <span className="mono">{client.clientId}</span> is removed, and every token issued with it stops working at once. Its audit events remain.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
