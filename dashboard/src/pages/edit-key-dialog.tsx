import { useRef, useState } from 'react';
import { api } from '../api/client.js';
import type { KeyView, Project } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { ErrorMessage } from '../components/states.js';
import { formatDate } from '../format.js';
import { AdvancedKeyFields } from './advanced-key-fields.js';
import { type AdvancedValues, advancedFromKey, parseAdvanced } from './advanced-key-values.js';
import { parseExpiryDate, tomorrowInputValue } from './key-expiry.js';
import { focusFirstInvalid } from '../components/focus-first-invalid.js';
import { allShownInForm, keyFieldErrors } from './key-server-errors.js';
import { type ProjectChoice, ProjectPicker } from './project-picker.js';

type ExpiryChange = 'keep' | 'never' | 'date';

const RATE_FIELDS: (keyof AdvancedValues)[] = ['rateLimit', 'rateWindowSeconds'];
const CREDIT_FIELDS: (keyof AdvancedValues)[] = ['creditsRemaining', 'refillAmount', 'refillInterval', 'refillUnit'];

/**
 * Changes a key in place. Permissions and projects can only be narrowed (the server refuses more), so the form
 * offers only what the key already has; a key covering all projects may be confined to some.
 */
export function EditKeyDialog(props: { keyView: KeyView; projects: Project[] | null; onClose: (changed: boolean) => void }) {
  const key = props.keyView;
  const initialAdvanced = advancedFromKey(key);
  const [name, setName] = useState(key.name);
  const [description, setDescription] = useState(key.description);
  const [expiry, setExpiry] = useState<ExpiryChange>('keep');
  const [expiryDate, setExpiryDate] = useState('');
  const [enabled, setEnabled] = useState(key.enabled);
  const [permissions, setPermissions] = useState<ReadonlySet<string>>(new Set(key.permissions));
  const [projects, setProjects] = useState<ProjectChoice>({ all: key.projectIds === null, ids: new Set(key.projectIds ?? []) });
  const [advanced, setAdvanced] = useState<AdvancedValues>(initialAdvanced);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [unchanged, setUnchanged] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const projectName = (id: string) => props.projects?.find((p) => p.id === id)?.name ?? id;
  const projectOptions = key.projectIds === null ? (props.projects?.map((p) => ({ id: p.id, name: p.name })) ?? null) : key.projectIds.map((id) => ({ id, name: projectName(id) }));

  const submit = async () => {
    const found: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    const trimmed = name.trim();
    if (!trimmed) found.name = 'Give the key a name.';
    else if (trimmed.length > 100) found.name = `At most 100 characters (this is ${trimmed.length}).`;
    else if (trimmed !== key.name) body.name = trimmed;
    if (description.length > 1000) found.description = 'At most 1,000 characters.';
    else if (description !== key.description) body.description = description;
    if (enabled !== key.enabled) body.enabled = enabled;
    if (expiry === 'never' && key.expiresAt !== null) body.expiresAt = null;
    if (expiry === 'date') {
      const parsed = parseExpiryDate(expiryDate);
      if ('error' in parsed) found.expiration = parsed.error;
      else body.expiresAt = parsed.iso;
    }
    if (permissions.size === 0) found.permissions = 'Keep at least one permission; to take every right away, disable or revoke the key.';
    else if (permissions.size !== key.permissions.length) body.permissions = key.permissions.filter((p) => permissions.has(p));
    if (!projects.all && projects.ids.size === 0) found.projects = 'Keep at least one project.';
    else if (key.projectIds === null ? !projects.all : projects.ids.size !== key.projectIds.length) body.projectIds = [...projects.ids];
    const parsed = parseAdvanced(advanced);
    Object.assign(found, parsed.errors);
    const changed = (fields: (keyof AdvancedValues)[]) => fields.some((f) => advanced[f] !== initialAdvanced[f]);
    if (changed(RATE_FIELDS)) body.rateLimit = parsed.body.rateLimit;
    if (changed(CREDIT_FIELDS)) body.credits = parsed.body.credits;
    if (changed(['ipRanges'])) body.ipRanges = parsed.body.ipRanges;
    if (changed(['metadata'])) body.metadata = parsed.body.metadata;

    setErrors(found);
    setServerError(null);
    setUnchanged(false);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    if (Object.keys(body).length === 0) {
      setUnchanged(true);
      return;
    }
    setBusy(true);
    try {
      await api<KeyView>('PATCH', `/v1/keys/${encodeURIComponent(key.id)}`, body);
      props.onClose(true);
    } catch (caught) {
      setErrors(keyFieldErrors(caught));
      setServerError(caught);
      focusFirstInvalid(formRef.current);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Edit ${key.name}`} onClose={() => props.onClose(false)} wide>
      <form
        ref={formRef}
        className="form key-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" error={errors.name}>
          {(a) => <input {...a} value={name} autoComplete="off" onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field label="Description" error={errors.description}>
          {(a) => <textarea {...a} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
        </Field>
        <div className="field-row">
          <fieldset className={errors.expiration ? 'has-error' : undefined}>
            <legend>Expiration</legend>
            <div className="radios">
              <label>
                <input type="radio" name="edit-key-expiry" checked={expiry === 'keep'} onChange={() => setExpiry('keep')} /> Keep ({key.expiresAt ? formatDate(key.expiresAt) : 'never'})
              </label>
              <label>
                <input type="radio" name="edit-key-expiry" checked={expiry === 'never'} onChange={() => setExpiry('never')} /> Never expires
              </label>
              <label>
                <input type="radio" name="edit-key-expiry" checked={expiry === 'date'} onChange={() => setExpiry('date')} /> On a date
              </label>
            </div>
            {expiry === 'date' && (
              <Field label="Expiry date" error={errors.expiration} hint="The key stops working at 00:00 on this day, your time.">
                {(a) => <input {...a} type="date" min={tomorrowInputValue()} value={expiryDate} onChange={(event) => setExpiryDate(event.target.value)} />}
              </Field>
            )}
          </fieldset>
          <fieldset>
            <legend>State</legend>
            <label className="check">
              <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} /> Enabled
            </label>
            <p className="hint">A disabled key fails verification until it is enabled again.</p>
          </fieldset>
        </div>

        <fieldset className={errors.permissions ? 'has-error' : undefined}>
          <legend>Permissions</legend>
          <p className="hint">Permissions can only be removed here; to grant more, create a new key.</p>
          <div className="project-list">
            {key.permissions.map((permission) => (
              <label key={permission} className="mono">
                <input
                  type="checkbox"
                  checked={permissions.has(permission)}
                  onChange={(event) => {
                    const next = new Set(permissions);
                    if (event.target.checked) next.add(permission);
                    else next.delete(permission);
                    setPermissions(next);
                  }}
                />{' '}
                {permission}
              </label>
            ))}
          </div>
          {errors.permissions && <div className="field-error">{errors.permissions}</div>}
        </fieldset>

        <ProjectPicker options={projectOptions} allowAll={key.projectIds === null} value={projects} onChange={setProjects} error={errors.projects} />

        <AdvancedKeyFields
          values={advanced}
          errors={errors}
          onChange={setAdvanced}
          summary="Rate limit, credits, IP ranges, metadata"
          defaultOpen={Boolean(key.rateLimit || key.credits || key.ipRanges || key.metadata)}
        />

        {serverError !== null &&
          (allShownInForm(errors) ? (
            <p className="form-error" role="alert">
              Nothing was changed: the server refused the field{Object.keys(errors).length === 1 ? '' : 's'} marked above.
            </p>
          ) : (
            <ErrorMessage error={serverError} title="Nothing was changed." />
          ))}
        {unchanged && (
          <p className="hint" role="status">
            Nothing to save: the form matches the key.
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
