import { useState } from 'react';
import { ErrorMessage } from '../components/states.js';

export type Selection = ReadonlyMap<string, string>;

/** What a selection needs of a row: its id, and a name to list it by in confirmations. */
export interface Selectable {
  id: string;
  name: string;
}

export function selectionOf(keys: readonly Selectable[]): Map<string, string> {
  return new Map(keys.map((k) => [k.id, k.name]));
}

/**
 * Chooses which keys the bulk actions touch: All (every key matching the filters, on every page), the current
 * page, or none. The select always returns to its prompt, so the same choice can be made twice in a row.
 */
export function SelectionPicker(props: {
  pageKeys: readonly Selectable[];
  selection: Selection;
  onChange: (selection: Selection) => void;
  loadMatching: () => Promise<Selectable[]>;
  /** What the rows are, for the messages: "key" unless told. */
  noun?: string;
}) {
  const noun = props.noun ?? 'key';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const choose = async (choice: string) => {
    setError(null);
    if (choice === 'none') props.onChange(new Map());
    if (choice === 'page') props.onChange(selectionOf(props.pageKeys));
    if (choice === 'all') {
      setBusy(true);
      try {
        props.onChange(selectionOf(await props.loadMatching()));
      } catch (caught) {
        setError(caught);
      } finally {
        setBusy(false);
      }
    }
  };

  return (
    <div className="selection-picker">
      <select aria-label="Select" value="" disabled={busy} onChange={(event) => void choose(event.target.value)}>
        <option value="" disabled>
          Select…
        </option>
        <option value="all">All</option>
        <option value="page">Current page</option>
        <option value="none">None</option>
      </select>
      <span className="selected-count" aria-live="polite">
        {busy ? `Selecting every matching ${noun}…` : `${props.selection.size.toLocaleString()} selected`}
      </span>
      {error !== null && <ErrorMessage error={error} title={`Could not select every matching ${noun}.`} />}
    </div>
  );
}
