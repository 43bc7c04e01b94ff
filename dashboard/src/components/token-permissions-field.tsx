import { useId } from 'react';
import type { CatalogPermission } from '../api/types.js';
import './token-fields.css';

/**
 * The optional permission list of a personal token. Checking nothing is the usual choice: the server then gives
 * the token `*`, and every call is still bounded by its user's role at that moment (src/services/key-service.ts).
 * Only permissions the member holds are offered; asking for more is refused as an escalation.
 */
export function TokenPermissionsField(props: {
  catalog: CatalogPermission[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string | undefined;
}) {
  const hintId = useId();
  const errorId = useId();
  const toggle = (name: string, on: boolean) => props.onChange(on ? [...props.selected, name] : props.selected.filter((p) => p !== name));
  const groups = [
    { title: 'Latchkey management', items: props.catalog.filter((p) => p.name.startsWith('latchkey:')) },
    { title: 'Your API', items: props.catalog.filter((p) => !p.name.startsWith('latchkey:')) },
  ].filter((g) => g.items.length > 0);
  return (
    <fieldset className={props.error ? 'field has-error' : 'field'} aria-describedby={[hintId, props.error ? errorId : ''].join(' ').trim()}>
      <legend>Permissions (optional)</legend>
      <p className="hint" id={hintId}>
        Leave every box unchecked to let the token do whatever your role allows, now and after any change to your role. Check
        permissions to limit the token to them; it can never do more than your role allows.
      </p>
      <div className="checklist">
        {groups.map((group) => (
          <div key={group.title} role="group" aria-label={group.title}>
            <div className="checklist-title">{group.title}</div>
            {group.items.map((p) => (
              <label key={p.name} className="check">
                <input type="checkbox" checked={props.selected.includes(p.name)} onChange={(e) => toggle(p.name, e.target.checked)} />
                <span className="mono">{p.name}</span>
                {p.description && <span className="hint"> — {p.description}</span>}
              </label>
            ))}
          </div>
        ))}
      </div>
      {props.error && (
        <div className="field-error" id={errorId}>
          {props.error}
        </div>
      )}
    </fieldset>
  );
}
