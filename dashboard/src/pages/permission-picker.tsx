import { useId } from 'react';
import type { Catalog, CatalogPermission } from '../api/types.js';

/** `latchkey:keys:read` belongs to "latchkey:keys", `projects:read` to "projects": the name up to its last colon. */
export function permissionGroup(name: string): string {
  const cut = name.lastIndexOf(':');
  return cut > 0 ? name.slice(0, cut) : 'other';
}

export function groupPermissions(permissions: readonly CatalogPermission[]): [string, CatalogPermission[]][] {
  const groups = new Map<string, CatalogPermission[]>();
  for (const permission of permissions) {
    const group = permissionGroup(permission.name);
    groups.set(group, [...(groups.get(group) ?? []), permission]);
  }
  // The protected API's own permissions first: they are what most keys are for; Latchkey's management ones last.
  return [...groups].sort(([a], [b]) => Number(a.startsWith('latchkey')) - Number(b.startsWith('latchkey')) || a.localeCompare(b));
}

const PRESETS: { id: keyof Catalog['presets']; label: string }[] = [
  { id: 'read', label: 'Read' },
  { id: 'write', label: 'Write' },
  { id: 'admin', label: 'Admin' },
];

/** Quick presets plus a checklist grouped by prefix; `selected` is the set of checked names. */
export function PermissionPicker(props: { catalog: Catalog; selected: ReadonlySet<string>; onChange: (next: Set<string>) => void; error?: string | undefined; legend?: string }) {
  const id = useId();
  const { catalog, selected } = props;
  const toggle = (name: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(name);
    else next.delete(name);
    props.onChange(next);
  };
  return (
    <fieldset className={props.error ? 'permission-picker has-error' : 'permission-picker'} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend ?? 'Permissions'}</legend>
      <div className="presets" role="group" aria-label="Permission presets">
        <span className="hint">Presets:</span>
        {PRESETS.map((preset) => {
          const names = catalog.presets[preset.id];
          return (
            <button
              key={preset.id}
              type="button"
              disabled={names.length === 0}
              title={names.length ? names.join(', ') : 'The catalog has no API permissions at this level.'}
              onClick={() => props.onChange(new Set([...selected, ...names]))}
            >
              {preset.label} ({names.length})
            </button>
          );
        })}
        <button type="button" className="link" onClick={() => props.onChange(new Set())} disabled={selected.size === 0}>
          Clear
        </button>
        <span className="hint" aria-live="polite">
          {selected.size} chosen
        </span>
      </div>
      {props.error && (
        <div className="field-error" id={`${id}-error`}>
          {props.error}
        </div>
      )}
      <div className="permission-groups">
        {groupPermissions(catalog.permissions).map(([group, permissions]) => (
          <fieldset key={group} className="permission-group">
            <legend className="mono">{group}</legend>
            {permissions.map((permission) => {
              const inputId = `${id}-${permission.name}`;
              return (
                <div key={permission.name} className="check">
                  <input
                    type="checkbox"
                    id={inputId}
                    checked={selected.has(permission.name)}
                    onChange={(event) => toggle(permission.name, event.target.checked)}
                    aria-describedby={permission.description ? `${inputId}-desc` : undefined}
                  />
                  <label htmlFor={inputId} className="mono">
                    <BreakableName name={permission.name} />
                  </label>
                  {permission.description && (
                    <span className="hint" id={`${inputId}-desc`}>
                      {permission.description}
                    </span>
                  )}
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}

/** Lets a long name wrap after a colon rather than mid-word; screen readers still read the plain name. */
function BreakableName({ name }: { name: string }) {
  const parts = name.split(':');
  return (
    <>
      {parts.map((part, index) => (
        <span key={index}>
          {part}
          {index < parts.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}
