import { useState } from 'react';
import { api, setCsrfToken } from '../api/client.js';
import { Field } from '../components/field.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { ErrorMessage } from '../components/states.js';
import type { KeyWithSecret, SignInResult } from '../api/types.js';
import { useSubmission } from '../hooks/use-submission.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateOwner(values: { organizationName: string; email: string; password: string; confirm: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.organizationName.trim()) errors.organizationName = 'Name the organization.';
  if (!EMAIL.test(values.email)) errors.email = 'Enter an email address such as you@example.com.';
  if (values.password.length < 12) errors.password = 'Use at least 12 characters.';
  if (values.confirm !== values.password) errors.confirm = 'The two passwords differ.';
  return errors;
}

/** On an instance with no organization yet: creates the first organization and its owner, then signs in. */
export function FirstRunPage({ onDone }: { onDone: () => void }) {
  const [values, setValues] = useState({ organizationName: '', name: '', email: '', password: '', confirm: '' });
  const { errors, error, busy, check, send } = useSubmission();
  const [ownerKey, setOwnerKey] = useState<string | null>(null);
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));

  if (ownerKey) {
    return (
      <main className="centered narrow">
        <h1>Latchkey is ready</h1>
        <p>Your organization and owner account exist, and you are signed in. This owner API key can manage everything through the API.</p>
        <SecretReveal secret={ownerKey} what="owner key" />
        <button type="button" className="primary" onClick={onDone}>
          Continue to the dashboard
        </button>
      </main>
    );
  }

  return (
    <main className="centered narrow">
      <h1>Set up Latchkey</h1>
      <p>No organization exists yet. Create the first one and its owner account.</p>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found = validateOwner(values);
          if (!check(form, found)) return;
          await send(form, async () => {
            const body = { organizationName: values.organizationName.trim(), email: values.email.trim(), password: values.password, ...(values.name.trim() ? { name: values.name.trim() } : {}) };
            const created = await api<{ ownerKey: KeyWithSecret }>('POST', '/v1/setup', body);
            const session = await api<SignInResult>('POST', '/v1/auth/sign-in', { email: body.email, password: values.password });
            setCsrfToken(session.csrfToken);
            setOwnerKey(created.ownerKey.secret);
          });
        }}
      >
        <Field label="Organization name" error={errors.organizationName}>
          {(a) => <input {...a} value={values.organizationName} onChange={set('organizationName')} autoComplete="organization" maxLength={100} />}
        </Field>
        <Field label="Your name (optional)" error={errors.name}>
          {(a) => <input {...a} value={values.name} onChange={set('name')} autoComplete="name" maxLength={100} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={values.email} onChange={set('email')} autoComplete="email" maxLength={254} />}
        </Field>
        <Field label="Password" error={errors.password} hint="At least 12 characters.">
          {(a) => <input {...a} type="password" value={values.password} onChange={set('password')} autoComplete="new-password" maxLength={256} />}
        </Field>
        <Field label="Repeat the password" error={errors.confirm}>
          {(a) => <input {...a} type="password" value={values.confirm} onChange={set('confirm')} autoComplete="new-password" maxLength={256} />}
        </Field>
        {error !== null && <ErrorMessage error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create organization'}
        </button>
      </form>
    </main>
  );
}
