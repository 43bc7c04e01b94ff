import { useRef, useState } from 'react';
import { api } from '../api/client.js';
import type { Catalog, KeyWithSecret, Project } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { useLoad } from '../hooks/use-load.js';
import { AdvancedKeyFields } from './advanced-key-fields.js';
import { type AdvancedValues, EMPTY_ADVANCED, parseAdvanced } from './advanced-key-values.js';
import { parseExpiryDate, tomorrowInputValue } from './key-expiry.js';
import { focusFirstInvalid } from '../components/focus-first-invalid.js';
import { allShownInForm, keyFieldErrors } from './key-server-errors.js';
import { PermissionPicker } from './permission-picker.js';
import { type ProjectChoice, ProjectPicker } from './project-picker.js';

export type Expiration = 'never' | '30d' | '90d' | 'date';

export interface CreateKeyForm {
  name: string;
  description: string;
  permissions: ReadonlySet<string>;
  projects: ProjectChoice;
  environment: 'live' | 'test';
  expiration: Expiration;
  expiryDate: string;
  advanced: AdvancedValues;
}

export const EMPTY_CREATE_KEY_FORM: CreateKeyForm = {
  name: '',
  description: '',
  permissions: new Set(),
  projects: { all: true, ids: new Set() },
  environment: 'live',
  expiration: 'never',
  expiryDate: '',
  advanced: EMPTY_ADVANCED,
};

/** Checks the form and builds POST /v1/keys's body; any error means nothing may be sent. */
export function buildCreateKeyBody(form: CreateKeyForm, now = Date.now()): { errors: Record<string, string>; body: Record<string, unknown> } {
  const errors: Record<string, string> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Give the key a name.';
  else if (name.length > 100) errors.name = `At most 100 characters (this is ${name.length}).`;
  if (form.description.length > 1000) errors.description = `At most 1,000 characters (this is ${form.description.length}).`;
  if (form.permissions.size === 0) errors.permissions = 'Choose at least one permission.';
  if (!form.projects.all && form.projects.ids.size === 0) errors.projects = 'Choose at least one project, or all projects.';
  let expiry: Record<string, string> = { expiresIn: form.expiration === 'date' ? 'never' : form.expiration };
  if (form.expiration === 'date') {
    const parsed = parseExpiryDate(form.expiryDate, now);
    if ('error' in parsed) errors.expiration = parsed.error;
    else expiry = { expiresAt: parsed.iso };
  }
  const advanced = parseAdvanced(form.advanced);
  Object.assign(errors, advanced.errors);
  const body: Record<string, unknown> = {
    name,
    description: form.description.trim(),
    permissions: [...form.permissions],
    projectIds: form.projects.all ? null : [...form.projects.ids],
    environment: form.environment,
    ...expiry,
  };
  for (const [field, value] of Object.entries(advanced.body)) if (value !== null) body[field] = value;
  return { errors, body };
}

/**
 * The create dialog. On success it turns into the one-time view of the secret; the secret lives only in this
 * component's state, so closing the dialog (Done, Escape, ×) unmounts it and the secret is gone.
 */
export function CreateKeyDialog(props: { projects: Project[] | null; projectsLoading?: boolean; onClose: (created: boolean) => void }) {
  const catalog = useLoad(() => api<Catalog>('GET', '/v1/permissions'), []);
  const [form, setForm] = useState<CreateKeyForm>(EMPTY_CREATE_KEY_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<KeyWithSecret | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const update = (patch: Partial<CreateKeyForm>) => setForm((f) => ({ ...f, ...patch }));

  if (created) {
    return (
      <Dialog title="API key created" onClose={() => props.onClose(true)} wide>
        <p>
          <strong>{created.name}</strong> is ready (<span className="mono">{created.start}…</span>, {created.environment}).
        </p>
        <SecretReveal secret={created.secret} />
        <div className="actions">
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const submit = async () => {
    const { errors: found, body } = buildCreateKeyBody(form);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setBusy(true);
    try {
      setCreated(await api<KeyWithSecret>('POST', '/v1/keys', body));
    } catch (caught) {
      setErrors(keyFieldErrors(caught));
      setServerError(caught);
      focusFirstInvalid(formRef.current);
    } finally {
      setBusy(false);
    }
  };

  const errorCount = Object.keys(errors).length;
  return (
    <Dialog title="Create API key" onClose={() => props.onClose(false)} wide>
      <form
        ref={formRef}
        className="form key-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" error={errors.name} hint="Up to 100 characters; unique among active keys.">
          {(a) => <input {...a} value={form.name} maxLength={200} autoFocus autoComplete="off" onChange={(event) => update({ name: event.target.value })} />}
        </Field>
        <Field label="Description" error={errors.description}>
          {(a) => <textarea {...a} rows={2} value={form.description} onChange={(event) => update({ description: event.target.value })} />}
        </Field>

        {catalog.loading && !catalog.data ? (
          <Loading label="Loading the permission catalog…" />
        ) : catalog.data ? (
          <PermissionPicker catalog={catalog.data} selected={form.permissions} onChange={(permissions) => update({ permissions })} error={errors.permissions} />
        ) : (
          <ErrorMessage error={catalog.error} title="The permission catalog could not be loaded, so no key can be created." />
        )}

        <ProjectPicker options={props.projects} loading={props.projectsLoading} allowAll value={form.projects} onChange={(projects) => update({ projects })} error={errors.projects} />

        <div className="field-row">
          <fieldset>
            <legend>Environment</legend>
            <div className="radios">
              {(['live', 'test'] as const).map((env) => (
                <label key={env}>
                  <input type="radio" name="create-key-environment" checked={form.environment === env} onChange={() => update({ environment: env })} /> {env === 'live' ? 'Live' : 'Test'}
                </label>
              ))}
            </div>
            <p className="hint">Shows in the secret's prefix (lk_live_ or lk_test_).</p>
          </fieldset>
          <fieldset className={errors.expiration ? 'has-error' : undefined}>
            <legend>Expiration</legend>
            <div className="radios">
              {(
                [
                  ['never', 'Never'],
                  ['30d', '30 days'],
                  ['90d', '90 days'],
                  ['date', 'On a date'],
                ] as const
              ).map(([value, label]) => (
                <label key={value}>
                  <input type="radio" name="create-key-expiration" checked={form.expiration === value} onChange={() => update({ expiration: value })} /> {label}
                </label>
              ))}
            </div>
            {form.expiration === 'date' && (
              <Field label="Expiry date" error={errors.expiration} hint="The key stops working at 00:00 on this day, your time.">
                {(a) => <input {...a} type="date" min={tomorrowInputValue()} value={form.expiryDate} onChange={(event) => update({ expiryDate: event.target.value })} />}
              </Field>
            )}
            {form.expiration !== 'date' && errors.expiration && <div className="field-error">{errors.expiration}</div>}
          </fieldset>
        </div>

        <AdvancedKeyFields values={form.advanced} errors={errors} onChange={(advanced) => update({ advanced })} />

        {serverError !== null && !allShownInForm(errors) ? (
          <ErrorMessage error={serverError} title="Nothing was created." />
        ) : serverError !== null ? (
          <p className="form-error" role="alert">
            Nothing was created: the server refused the {errorCount === 1 ? 'field' : `${errorCount} fields`} marked above.
          </p>
        ) : (
          errorCount > 0 && (
            <p className="form-error" role="alert">
              Nothing was sent: fix the {errorCount === 1 ? 'field' : `${errorCount} fields`} marked above.
            </p>
          )
        )}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !catalog.data}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
