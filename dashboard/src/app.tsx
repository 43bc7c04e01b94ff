import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError, SESSION_ENDED_EVENT, setCsrfToken } from './api/client.js';
import type { Whoami } from './api/types.js';
import { Layout } from './layout.js';
import { FirstRunPage } from './pages/first-run-page.js';
import { InvitePage } from './pages/invite-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { canFor, type Session, SessionContext } from './session.js';
import { ErrorMessage, Loading } from './components/states.js';

type Gate = { state: 'loading' } | { state: 'first-run' } | { state: 'signed-out'; ended?: boolean } | { state: 'signed-in'; whoami: Whoami } | { state: 'error'; error: unknown };

/**
 * Decides what the visitor sees: the first-run page on an instance with no organization, the sign-in page
 * without a session, otherwise the dashboard. A session that ends mid-use (expired, removed from the
 * organization) sends the visitor back to sign-in.
 */
export function App() {
  const [gate, setGate] = useState<Gate>({ state: 'loading' });
  const [path, navigate] = useLocation();

  const check = useCallback(async () => {
    try {
      const setup = await api<{ initialized: boolean }>('GET', '/v1/setup');
      if (!setup.initialized) return setGate({ state: 'first-run' });
      const whoami = await api<Whoami>('GET', '/v1/whoami');
      if (whoami.kind !== 'session') return setGate({ state: 'signed-out' });
      setGate({ state: 'signed-in', whoami });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setGate({ state: 'signed-out' });
      else setGate({ state: 'error', error });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  // A call refused for want of a session, from any page, brings back the sign-in page with the reason.
  useEffect(() => {
    const onEnded = () => setGate((current) => (current.state === 'signed-in' ? { state: 'signed-out', ended: true } : current));
    window.addEventListener(SESSION_ENDED_EVENT, onEnded);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, onEnded);
  }, []);

  const session = useMemo<Session | null>(() => {
    if (gate.state !== 'signed-in') return null;
    return {
      whoami: gate.whoami,
      can: canFor(gate.whoami),
      refresh: check,
      signOut: async () => {
        try {
          await api('POST', '/v1/auth/sign-out');
        } finally {
          setCsrfToken(null);
          navigate('/', { replace: true });
          setGate({ state: 'signed-out' });
        }
      },
    };
  }, [gate, check, navigate]);

  // An invitation link works signed in or out, so it is answered before the gate.
  if (path === '/invite') {
    return (
      <InvitePage
        onJoined={async () => {
          navigate('/', { replace: true });
          await check();
        }}
      />
    );
  }

  switch (gate.state) {
    case 'loading':
      return (
        <main className="centered">
          <Loading />
        </main>
      );
    case 'error':
      return (
        <main className="centered">
          <ErrorMessage error={gate.error} title="Latchkey could not be reached." />
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </main>
      );
    case 'first-run':
      return <FirstRunPage onDone={check} />;
    case 'signed-out':
      return <SignInPage onSignedIn={check} sessionEnded={gate.ended === true} />;
    case 'signed-in':
      return (
        <SessionContext.Provider value={session}>
          <Layout />
        </SessionContext.Provider>
      );
  }
}
