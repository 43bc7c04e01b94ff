import { useEffect, useState } from 'react';
import { api, ApiError, setCsrfToken } from '../api/client.js';
import type { AcceptedInvitation, SignInResult, Whoami } from '../api/types.js';
import { Field } from '../components/field.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { useLoad } from '../hooks/use-load.js';
import { useSubmission } from '../hooks/use-submission.js';
import './invite-page.css';

/** The token from `#token=…`: a fragment never reaches the server, which refuses tokens in query strings. */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

async function signInTo(email: string, password: string, organizationId?: string): Promise<SignInResult> {
  const session = await api<SignInResult>('POST', '/v1/auth/sign-in', { email, password, ...(organizationId ? { organizationId } : {}) });
  setCsrfToken(session.csrfToken);
  return session;
}

/**
 * Where an invitation link lands, signed in or not. The token is read from the fragment and then dropped from
 * the address bar, so it is not left in history; the page sends it in a request body, never in a URL.
 */
export function InvitePage({ onJoined }: { onJoined: () => Promise<void> }) {
  const [token] = useState(tokenFromFragment);
  useEffect(() => {
    if (window.location.hash) history.replaceState(null, '', '/invite');
  }, []);
  const who = useLoad(async () => {
    try {
      const whoami = await api<Whoami>('GET', '/v1/whoami');
      return whoami.kind === 'session' ? whoami : null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }, []);
  const [joined, setJoined] = useState<AcceptedInvitation | null>(null);

  let body;
  if (!token) {
    body = <p>This page opens invitation links. Open the link you were sent, as it was given to you.</p>;
  } else if (joined) {
    body = <Joined joined={joined} onJoined={onJoined} current={who.data?.organization.name ?? null} />;
  } else if (who.error !== null) {
    body = <ErrorMessage error={who.error} title="Latchkey could not be reached." />;
  } else if (who.data === null && who.loading) {
    body = <Loading />;
  } else if (who.data) {
    body = <AcceptSignedIn token={token} whoami={who.data} onAccepted={setJoined} />;
  } else {
    body = (
      <>
        <NewAccount token={token} onJoined={onJoined} />
        <ExistingAccount token={token} onAccepted={setJoined} />
      </>
    );
  }
  return (
    <main className="centered narrow invite-page">
      <h1>Join an organization on Latchkey</h1>
      {body}
    </main>
  );
}

function AcceptSignedIn({ token, whoami, onAccepted }: { token: string; whoami: Whoami; onAccepted: (joined: AcceptedInvitation) => void }) {
  const { error, busy, send } = useSubmission();
  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        await send(form, async () => onAccepted(await api<AcceptedInvitation>('POST', '/v1/invitations/accept', { token })));
      }}
    >
      <p>
        You are signed in as <strong>{whoami.user?.email}</strong>. The invitation must be for this email address; if it is for
        another, sign out first and open the link again.
      </p>
      {error !== null && <ErrorMessage error={error} title="The invitation was not accepted." />}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Accepting…' : 'Accept invitation'}
      </button>
    </form>
  );
}

function NewAccount({ token, onJoined }: { token: string; onJoined: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { errors, error, busy, check, send } = useSubmission();
  return (
    <section aria-labelledby="new-account-title">
      <h2 id="new-account-title">New to Latchkey? Create your account</h2>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const found: Record<string, string> = {};
          if (name.length > 100) found.name = 'Use at most 100 characters.';
          if (password.length < 12) found.password = 'Use at least 12 characters.';
          else if (password.length > 256) found.password = 'Use at most 256 characters.';
          if (confirm !== password) found.confirm = 'The two passwords differ.';
          if (!check(form, found)) return;
          await send(form, async () => {
            const joined = await api<AcceptedInvitation>('POST', '/v1/invitations/accept-new-account', {
              token,
              password,
              ...(name.trim() ? { name: name.trim() } : {}),
            });
            await signInTo(joined.member.email, password, joined.organization.id);
            await onJoined();
          });
        }}
      >
        <p className="hint">Your account is for the email address the invitation was sent to.</p>
        <Field label="Your name" error={errors.name} hint="Optional">
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="name" />}
        </Field>
        <Field label="Choose a password" error={errors.password} hint="At least 12 characters">
          {(a) => <input {...a} type="password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={256} autoComplete="new-password" />}
        </Field>
        <Field label="Repeat the password" error={errors.confirm}>
          {(a) => <input {...a} type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} maxLength={256} autoComplete="new-password" />}
        </Field>
        {error !== null && <ErrorMessage error={error} title="The invitation was not accepted." />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Joining…' : 'Create account and join'}
        </button>
      </form>
    </section>
  );
}

function ExistingAccount({ token, onAccepted }: { token: string; onAccepted: (joined: AcceptedInvitation) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, error, busy, check, send } = useSubmission();
  return (
    <section aria-labelledby="existing-account-title">
      <h2 id="existing-account-title">Already have an account? Sign in to accept</h2>
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
            await signInTo(email.trim(), password);
            const joined = await api<AcceptedInvitation>('POST', '/v1/invitations/accept', { token });
            // Open the organization just joined: the session above is in the account's oldest one.
            await signInTo(email.trim(), password, joined.organization.id);
            onAccepted(joined);
          });
        }}
      >
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" maxLength={254} />}
        </Field>
        <Field label="Password" error={errors.password}>
          {(a) => <input {...a} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" maxLength={256} />}
        </Field>
        {error !== null && <ErrorMessage error={error} title="The invitation was not accepted." />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in and join'}
        </button>
      </form>
    </section>
  );
}

/** After accepting: the session may still be in another organization; opening the new one needs a sign-in to it. */
function Joined({ joined, current, onJoined }: { joined: AcceptedInvitation; current: string | null; onJoined: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const { errors, error, busy, check, send } = useSubmission();
  const switchNeeded = current !== null && current !== joined.organization.name;
  return (
    <div role="status">
      <p>
        You joined <strong>{joined.organization.name}</strong> as <strong>{joined.member.role}</strong>.
      </p>
      {switchNeeded ? (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            if (!check(form, password ? {} : { password: 'Enter your password.' })) return;
            await send(form, async () => {
              await signInTo(joined.member.email, password, joined.organization.id);
              await onJoined();
            });
          }}
        >
          <Field label="Password" error={errors.password} hint={`Your session is in ${current}; sign in to open ${joined.organization.name}.`}>
            {(a) => <input {...a} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" maxLength={256} />}
          </Field>
          {error !== null && <ErrorMessage error={error} />}
          <button type="submit" className="primary" disabled={busy}>
            Open {joined.organization.name}
          </button>
          <button type="button" onClick={() => void onJoined()}>
            Stay in {current}
          </button>
        </form>
      ) : (
        <button type="button" className="primary" onClick={() => void onJoined()}>
          Open {joined.organization.name}
        </button>
      )}
    </div>
  );
}
