import { useState } from 'react';

const SHOWN = 3;

/** A key's permissions as chips; beyond three, a "+N" button unfolds the rest so rows stay short. */
export function PermissionChips({ permissions, keyName }: { permissions: readonly string[]; keyName: string }) {
  const [expanded, setExpanded] = useState(false);
  const hidden = permissions.length - SHOWN;
  const shown = expanded || hidden <= 0 ? permissions : permissions.slice(0, SHOWN);
  return (
    <span className="chips">
      {shown.map((permission) => (
        <span key={permission} className="chip">
          {permission}
        </span>
      ))}
      {hidden > 0 && (
        <button
          type="button"
          className="chip more"
          aria-expanded={expanded}
          aria-label={expanded ? `Show fewer permissions of ${keyName}` : `Show all ${permissions.length} permissions of ${keyName}`}
          title={expanded ? undefined : permissions.slice(SHOWN).join(', ')}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'less' : `+${hidden}`}
        </button>
      )}
    </span>
  );
}
