import { useId } from 'react';

export interface ProjectChoice {
  all: boolean;
  ids: ReadonlySet<string>;
}

/**
 * Every project, or only some. `options` are the projects one may pick; null when they could not be listed, in
 * which case only "All projects" is offered (when allowed) rather than a list the member cannot fill.
 */
export function ProjectPicker(props: {
  options: { id: string; name: string }[] | null;
  allowAll: boolean;
  value: ProjectChoice;
  onChange: (value: ProjectChoice) => void;
  error?: string | undefined;
  loading?: boolean;
}) {
  const id = useId();
  const { value, options } = props;
  const showList = !props.allowAll || !value.all;
  const toggle = (projectId: string, on: boolean) => {
    const ids = new Set(value.ids);
    if (on) ids.add(projectId);
    else ids.delete(projectId);
    props.onChange({ all: false, ids });
  };
  return (
    <fieldset className={props.error ? 'project-picker has-error' : 'project-picker'} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>Projects</legend>
      {props.allowAll && (
        <div className="radios">
          <label>
            <input type="radio" name={`${id}-scope`} checked={value.all} onChange={() => props.onChange({ all: true, ids: value.ids })} /> All projects
          </label>
          <label>
            <input type="radio" name={`${id}-scope`} checked={!value.all} disabled={!options || options.length === 0} onChange={() => props.onChange({ all: false, ids: value.ids })} /> Only
            these projects
          </label>
        </div>
      )}
      {props.allowAll && options === null && (
        <p className="hint">{props.loading ? 'Loading projects…' : 'The project list is not available to you, so the key can only cover all projects.'}</p>
      )}
      {props.allowAll && options !== null && options.length === 0 && <p className="hint">This organization has no projects yet; the key covers all projects, including future ones.</p>}
      {showList && options && options.length > 0 && (
        <div className="project-list" role="group" aria-label="Projects the key may use">
          {options.map((project) => (
            <label key={project.id}>
              <input type="checkbox" checked={value.ids.has(project.id)} onChange={(event) => toggle(project.id, event.target.checked)} /> {project.name}
            </label>
          ))}
        </div>
      )}
      {props.error && (
        <div className="field-error" id={`${id}-error`}>
          {props.error}
        </div>
      )}
    </fieldset>
  );
}
