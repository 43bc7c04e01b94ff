import { useId } from 'react';
import type { Project } from '../api/types.js';
import './token-fields.css';

/** All projects (null), or only the checked ones: a restricted token sees keys of those projects alone. */
export function TokenProjectsField(props: { projects: Project[]; value: string[] | null; onChange: (value: string[] | null) => void; error?: string | undefined }) {
  const name = useId();
  const errorId = useId();
  const only = props.value !== null;
  return (
    <fieldset className={props.error ? 'field has-error' : 'field'} aria-describedby={props.error ? errorId : undefined}>
      <legend>Projects</legend>
      <label className="check">
        <input type="radio" name={name} checked={!only} onChange={() => props.onChange(null)} /> All projects
      </label>
      <label className="check">
        <input type="radio" name={name} checked={only} onChange={() => props.onChange([])} /> Only these projects
      </label>
      {only && (
        <div className="checklist" role="group" aria-label="Projects the token may use">
          {props.projects.map((p) => (
            <label key={p.id} className="check">
              <input
                type="checkbox"
                checked={props.value!.includes(p.id)}
                onChange={(e) => props.onChange(e.target.checked ? [...props.value!, p.id] : props.value!.filter((id) => id !== p.id))}
              />
              {p.name}
            </label>
          ))}
        </div>
      )}
      {props.error && (
        <div className="field-error" id={errorId}>
          {props.error}
        </div>
      )}
    </fieldset>
  );
}
