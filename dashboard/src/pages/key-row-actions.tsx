import { useState } from 'react';
import { api } from '../api/client.js';
import type { KeyView, Project } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { EditKeyDialog } from './edit-key-dialog.js';
import { RegenerateKeyDialog } from './regenerate-key-dialog.js';

type Open = 'edit' | 'regenerate' | 'disable' | 'enable' | 'revoke' | 'delete' | null;

/**
 * One key's actions, each behind a dialog that names the key. A revoked key can never be used or changed again,
 * so it only offers Delete.
 */
export function KeyRowActions(props: { keyView: KeyView; projects: Project[] | null; onChanged: () => void; onDeleted: (id: string) => void }) {
  const key = props.keyView;
  const [open, setOpen] = useState<Open>(null);
  const close = (changed: boolean) => {
    setOpen(null);
    if (changed) props.onChanged();
  };
  const post = (action: 'disable' | 'enable' | 'revoke') => async () => {
    await api<KeyView>('POST', `/v1/keys/${encodeURIComponent(key.id)}/${action}`);
    props.onChanged();
  };
  const revoked = key.status === 'revoked';

  return (
    <div className="row-actions">
      {!revoked && (
        <>
          <button type="button" aria-label={`Edit ${key.name}`} onClick={() => setOpen('edit')}>
            Edit
          </button>
          {key.enabled ? (
            <button type="button" aria-label={`Disable ${key.name}`} onClick={() => setOpen('disable')}>
              Disable
            </button>
          ) : (
            <button type="button" aria-label={`Enable ${key.name}`} onClick={() => setOpen('enable')}>
              Enable
            </button>
          )}
          <button type="button" aria-label={`Regenerate ${key.name}`} onClick={() => setOpen('regenerate')}>
            Regenerate
          </button>
          <button type="button" className="danger-text" aria-label={`Revoke ${key.name}`} onClick={() => setOpen('revoke')}>
            Revoke
          </button>
        </>
      )}
      <button type="button" className="danger-text" aria-label={`Delete ${key.name}`} onClick={() => setOpen('delete')}>
        Delete
      </button>

      {open === 'edit' && <EditKeyDialog keyView={key} projects={props.projects} onClose={close} />}
      {open === 'regenerate' && <RegenerateKeyDialog keyView={key} onClose={close} />}
      {open === 'disable' && (
        <ConfirmDialog title={`Disable ${key.name}?`} confirmLabel="Disable" onConfirm={post('disable')} onClose={() => close(false)}>
          <p>
            Verifications of <strong>{key.name}</strong> will fail with <span className="mono">DISABLED</span> until the key is enabled again.
          </p>
        </ConfirmDialog>
      )}
      {open === 'enable' && (
        <ConfirmDialog title={`Enable ${key.name}?`} confirmLabel="Enable" onConfirm={post('enable')} onClose={() => close(false)}>
          <p>
            <strong>{key.name}</strong> will verify again with its current permissions.
          </p>
        </ConfirmDialog>
      )}
      {open === 'revoke' && (
        <ConfirmDialog title={`Revoke ${key.name}?`} confirmLabel="Revoke" danger onConfirm={post('revoke')} onClose={() => close(false)}>
          <p>
            Revoking is final: <strong>{key.name}</strong> (<span className="mono">{key.start}…</span>) and any secret still in a grace period stop working for
            good. The key stays listed, for the record, until it is deleted.
          </p>
        </ConfirmDialog>
      )}
      {open === 'delete' && (
        <ConfirmDialog
          title={`Delete ${key.name}?`}
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await api<void>('DELETE', `/v1/keys/${encodeURIComponent(key.id)}`);
            props.onDeleted(key.id);
            props.onChanged();
          }}
          onClose={() => close(false)}
        >
          <p>
            <strong>{key.name}</strong> (<span className="mono">{key.start}…</span>) is removed from the list
            {revoked ? '' : ' and stops working at once'}. Its audit events remain.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
