import { useRef, useState } from 'react';
import { api } from '../api/client.js';
import type { Catalog, OAuthApplicationWithSecret } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { useLoad } from '../hooks/use-load.js';
import { useSubmission } from '../hooks/use-submission.js';
import { PermissionPicker } from './permission-picker.js';

interface AppForm {
  name: string;
  description: string;
  homepage: string;
  redirectUris: string;
  scopes: Set<string>;
  clientType: 'confidential' | 'public';
  accessTokenFormat: 'opaque' | 'jwt';
}

const EMPTY: AppForm = { name: '', description: '', homepage: '', redirectUris: '', scopes: new Set(), clientType: 'confidential', accessTokenFormat: 'opaque' };

/** The checks a person can fix before sending; the server checks the URIs' shape and the scopes again. */
function checkForm(form: AppForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (form.name.trim() === '') errors.name = 'Give the application a name.';
  if (uris(form.redirectUris).length === 0) errors.redirectUris = 'At least one redirect URI, one per line.';
  if (form.scopes.size === 0) errors.scopes = 'Choose at least one scope the application may ask for.';
  return errors;
}

const uris = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * Registers an OAuth application. Its allowed scopes come from the permission catalog. On success it shows the
 * client id and, for a confidential client, the secret this once; closing the dialog drops the secret.
 */
export function RegisterOAuthAppDialog(props: { onClose: (created: boolean) => void }) {
  const catalog = useLoad(() => api<Catalog>('GET', '/v1/permissions'), []);
  const [form, setForm] = useState<AppForm>(EMPTY);
  const [created, setCreated] = useState<OAuthApplicationWithSecret | null>(null);
  const submission = useSubmission();
  const formRef = useRef<HTMLFormElement>(null);
  const update = (patch: Partial<AppForm>) => setForm((f) => ({ ...f, ...patch }));
  const { errors } = submission;

  if (created) {
    const app = created.application;
    return (
      <Dialog title="OAuth application registered" onClose={() => props.onClose(true)} wide>
        <p>
          <strong>{app.name}</strong> has client id <span className="mono" data-testid="client-id">{app.clientId}</span>.
        </p>
        {created.clientSecret !== null ? (
          <SecretReveal secret={created.clientSecret} what="client secret" />
        ) : (
          <p>A public client has no secret: it proves itself with PKCE on every authorization.</p>
        )}
        <div className="actions">
          <button type="button" className="primary" onClick={() => props.onClose(true)}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Register OAuth application" onClose={() => props.onClose(false)} wide>
      <form
        ref={formRef}
        className="form key-form"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (!submission.check(formRef.current, checkForm(form))) return;
          const body = {
            name: form.name.trim(),
            description: form.description.trim(),
            homepage: form.homepage.trim() === '' ? null : form.homepage.trim(),
            redirectUris: uris(form.redirectUris),
            scopes: [...form.scopes],
            clientType: form.clientType,
            accessTokenFormat: form.accessTokenFormat,
          };
          await submission.send(formRef.current, async () => setCreated(await api<OAuthApplicationWithSecret>('POST', '/v1/oauth/applications', body)));
        }}
      >
        <Field label="Name" error={errors.name} hint="Shown to members on the consent screen.">
          {(a) => <input {...a} value={form.name} maxLength={100} autoFocus autoComplete="off" onChange={(event) => update({ name: event.target.value })} />}
        </Field>
        <Field label="Description" error={errors.description}>
          {(a) => <textarea {...a} rows={2} maxLength={1000} value={form.description} onChange={(event) => update({ description: event.target.value })} />}
        </Field>
        <Field label="Homepage" error={errors.homepage} hint="Optional.">
          {(a) => <input {...a} type="url" value={form.homepage} maxLength={2000} autoComplete="off" onChange={(event) => update({ homepage: event.target.value })} />}
        </Field>
        <Field label="Redirect URIs" error={errors.redirectUris} hint="One per line, matched exactly: https, or http only on a loopback address.">
          {(a) => <textarea {...a} rows={3} value={form.redirectUris} onChange={(event) => update({ redirectUris: event.target.value })} />}
        </Field>
        <div className="field-row">
          <fieldset>
            <legend>Client type</legend>
            <div className="radios">
              <label>
                <input type="radio" name="clientType" checked={form.clientType === 'confidential'} onChange={() => update({ clientType: 'confidential' })} /> Confidential (has a secret)
              </label>
              <label>
                <input type="radio" name="clientType" checked={form.clientType === 'public'} onChange={() => update({ clientType: 'public' })} /> Public (PKCE only)
              </label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Access token format</legend>
            <div className="radios">
              <label>
                <input type="radio" name="accessTokenFormat" checked={form.accessTokenFormat === 'opaque'} onChange={() => update({ accessTokenFormat: 'opaque' })} /> Opaque
              </label>
              <label>
                <input type="radio" name="accessTokenFormat" checked={form.accessTokenFormat === 'jwt'} onChange={() => update({ accessTokenFormat: 'jwt' })} /> JWT (verifiable offline)
              </label>
            </div>
          </fieldset>
        </div>
        {catalog.loading && !catalog.data ? (
          <Loading label="Loading the permission catalog…" />
        ) : catalog.data ? (
          <PermissionPicker legend="Allowed scopes" catalog={catalog.data} selected={form.scopes} onChange={(scopes) => update({ scopes })} error={errors.scopes} />
        ) : (
          <ErrorMessage error={catalog.error} title="The permission catalog could not be loaded, so no application can be registered." />
        )}
        {submission.error !== null && <ErrorMessage error={submission.error} />}
        <div className="actions">
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={submission.busy || !catalog.data}>
            {submission.busy ? 'Registering…' : 'Register'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
