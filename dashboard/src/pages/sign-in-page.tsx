import { useState } from 'react';
import { api, setCsrfToken } from '../api/client.js';
import type { SignInResult } from '../api/types.js';
import { Field } from '../components/field.js';
import { ErrorMessage } from '../components/states.js';
import { useSubmission } from '../hooks/use-submission.js';

export function SignInPage({ onSignedIn, sessionEnded }: { onSignedIn: () => void; sessionEnded: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, error, busy, check, send } = useSubmission();
  return (
    <main className="centered narrow">
      <h1>Sign in to Latchkey</h1>
      {sessionEnded && (
        <p className="notice" role="status">
          Your session has ended. Sign in again to continue.
        </p>
      )}
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (!email.trim()) found.email = 'Enter your email address.';
          if (!password) found.password = 'Enter your password.';
          if (!check(form, found)) return;
          await send(form, async () => {
            const session = await api<SignInResult>('POST', '/v1/auth/sign-in', { email: email.trim(), password });
            setCsrfToken(session.csrfToken);
            onSignedIn();
          });
        }}
      >
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" maxLength={254} autoFocus />}
        </Field>
        <Field label="Password" error={errors.password}>
          {(a) => <input {...a} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" maxLength={256} />}
        </Field>
        {error !== null && <ErrorMessage error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
