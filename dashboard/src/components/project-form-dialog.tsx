import { useState } from 'react';
import { api } from '../api/client.js';
import type { Project } from '../api/types.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { ErrorMessage } from './states.js';
import { useSubmission } from '../hooks/use-submission.js';

/** Creates a project, or renames and re-describes one; only changed fields are sent on edit. */
export function ProjectFormDialog({ project, onClose, onSaved }: { project?: Project; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(project?.name ?? '');
  const [description, setDescription] = useState(project?.description ?? '');
  const { errors, error, busy, check, send } = useSubmission();

  return (
    <Dialog title={project ? `Edit ${project.name}` : 'Create project'} onClose={onClose}>
      <form
        className="form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (!name.trim()) found.name = 'Name the project.';
          else if (name.trim().length > 100) found.name = 'Use at most 100 characters.';
          if (description.length > 1000) found.description = 'Use at most 1,000 characters.';
          if (!check(form, found)) return;
          const body: { name?: string; description?: string } = {};
          if (!project || name.trim() !== project.name) body.name = name.trim();
          if (!project ? description.trim() !== '' : description.trim() !== project.description) body.description = description.trim();
          if (project && Object.keys(body).length === 0) return onClose();
          await send(form, async () => {
            if (project) await api('PATCH', `/v1/projects/${encodeURIComponent(project.id)}`, body);
            else await api('POST', '/v1/projects', body);
            onSaved();
            onClose();
          });
        }}
      >
        <Field label="Name" error={errors.name}>
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus required />}
        </Field>
        <Field label="Description" error={errors.description} hint="Optional.">
          {(a) => <textarea {...a} className="prose" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} rows={3} />}
        </Field>
        {error !== null && <ErrorMessage error={error} title={project ? 'Nothing was changed.' : 'The project was not created.'} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : project ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
