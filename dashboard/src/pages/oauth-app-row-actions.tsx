import { useState } from 'react';
import { api } from '../api/client.js';
import type { OAuthApplication } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { RegenerateOAuthAppSecretDialog } from './regenerate-oauth-app-secret-dialog.js';

/** One application's actions, each behind a dialog that names it and what the change ends. */
export function OAuthAppRowActions(props: { app: OAuthApplication; onChanged: () => void }) {
  const { app } = props;
  const [open, setOpen] = useState<'regenerate' | 'disable' | 'enable' | 'delete' | null>(null);
  const path = `/v1/oauth/applications/${encodeURIComponent(app.id)}`;
  const close = (changed: boolean) => {
    setOpen(null);
    if (changed) props.onChanged();
  };
  const post = (action: 'disable' | 'enable') => async () => {
    await api<OAuthApplication>('POST', `${path}/${action}`);
    props.onChanged();
  };

  return (
    <div className="row-actions">
      {app.clientType === 'confidential' && (
        <button type="button" aria-label={`Regenerate secret of ${app.name}`} onClick={() => setOpen('regenerate')}>
          Regenerate secret
        </button>
      )}
      {app.enabled ? (
        <button type="button" aria-label={`Disable ${app.name}`} onClick={() => setOpen('disable')}>
          Disable
        </button>
      ) : (
        <button type="button" aria-label={`Enable ${app.name}`} onClick={() => setOpen('enable')}>
          Enable
        </button>
      )}
      <button type="button" className="danger-text" aria-label={`Delete ${app.name}`} onClick={() => setOpen('delete')}>
        Delete
      </button>

      {open === 'regenerate' && <RegenerateOAuthAppSecretDialog app={app} onClose={close} />}
      {open === 'disable' && (
        <ConfirmDialog title={`Disable ${app.name}?`} confirmLabel="Disable" danger onConfirm={post('disable')} onClose={() => close(false)}>
          <p>
            Every grant of <strong>{app.name}</strong> and every token issued to it ends now, and members cannot authorize it until it is enabled again. Enabling it
            later does not bring those tokens back.
          </p>
        </ConfirmDialog>
      )}
      {open === 'enable' && (
        <ConfirmDialog title={`Enable ${app.name}?`} confirmLabel="Enable" onConfirm={post('enable')} onClose={() => close(false)}>
          <p>
            Members can authorize <strong>{app.name}</strong> again. Tokens revoked when it was disabled stay revoked.
          </p>
        </ConfirmDialog>
      )}
      {open === 'delete' && (
        <ConfirmDialog
          title={`Delete ${app.name}?`}
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await api<void>('DELETE', path);
            props.onChanged();
          }}
          onClose={() => close(false)}
        >
          <p>
            <strong>{app.name}</strong> (<span className="mono">{app.clientId}</span>) is removed with every grant members gave it: every token issued to it stops
            working at once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
