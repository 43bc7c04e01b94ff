import { useState } from 'react';
import { api } from '../api/client.js';
import type { BulkResult } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type BulkAction, bulkError, countKeys } from './bulk-error.js';
import { BulkRegenerateDialog } from './bulk-regenerate-dialog.js';

const ACTIONS: { action: Exclude<BulkAction, 'regenerate'>; verb: string; danger: boolean; explain: string }[] = [
  { action: 'enable', verb: 'Enable', danger: false, explain: 'Disabled keys among them verify again; the others are left as they are.' },
  { action: 'disable', verb: 'Disable', danger: false, explain: 'They fail verification with DISABLED until enabled again.' },
  { action: 'revoke', verb: 'Revoke', danger: true, explain: 'Revoking is final: they stop working for good, grace-period secrets included. Already revoked keys are left as they are.' },
  { action: 'delete', verb: 'Delete', danger: true, explain: 'They are removed from the list and stop working at once. Their audit events remain.' },
];

/**
 * The actions for every selected key, which may lie on other pages. Each asks first, saying how many keys it
 * touches. The server applies them all or nothing: on a refusal the selection stays, so one can fix and retry.
 */
export function BulkBar(props: { selected: ReadonlyMap<string, string>; onDone: () => void }) {
  const [open, setOpen] = useState<BulkAction | null>(null);
  const count = props.selected.size;
  const current = ACTIONS.find((a) => a.action === open);
  const names = [...props.selected.values()];

  return (
    <div className="bulk-bar" role="group" aria-label="Bulk actions">
      {(['revoke', 'delete', 'regenerate', 'enable', 'disable'] as const).map((action) => (
        <button key={action} type="button" className={action === 'revoke' || action === 'delete' ? 'danger-text' : undefined} onClick={() => setOpen(action)}>
          {action[0]!.toUpperCase() + action.slice(1)} selected
        </button>
      ))}

      {current && (
        <ConfirmDialog
          title={`${current.verb} ${countKeys(count)}?`}
          confirmLabel={`${current.verb} ${countKeys(count)}`}
          danger={current.danger}
          onConfirm={async () => {
            try {
              await api<BulkResult>('POST', '/v1/keys/bulk', { action: current.action, ids: [...props.selected.keys()] });
            } catch (caught) {
              throw bulkError(caught, current.action, props.selected);
            }
            props.onDone();
          }}
          onClose={() => setOpen(null)}
        >
          <p>
            {current.verb} the {countKeys(count)} selected, across every page: {names.slice(0, 3).join(', ')}
            {count > 3 ? ` and ${(count - 3).toLocaleString()} more` : ''}.
          </p>
          <p>{current.explain}</p>
          <p className="hint">All or nothing: if any key cannot be changed, none is.</p>
        </ConfirmDialog>
      )}
      {open === 'regenerate' && (
        <BulkRegenerateDialog
          selected={props.selected}
          onClose={(changed) => {
            setOpen(null);
            if (changed) props.onDone();
          }}
        />
      )}
    </div>
  );
}
