// Sign-in: an email address, then the six-digit code sent to it (in sandbox mode the code is in the
// sandbox inbox at /sandbox/inbox). A one-time sign-in link (#link=…) signs in at once.
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';
import { ErrorNotice } from '../components/ui.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<{ signInId: string; emailMask: string } | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const link = /^#link=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
    if (!link) return;
    // The token is single use: drop it from the address bar and history at once.
    history.replaceState(null, '', location.pathname);
    setBusy(true);
    api.post<Session>('/sign-in/link', { token: link }).then(onSignedIn, (e: Error) => {
      setError(e);
      setBusy(false);
    });
  }, [onSignedIn]);

  const run = (p: () => Promise<void>) => (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    p()
      .catch((err: Error) => setError(err))
      .finally(() => setBusy(false));
  };

  return (
    <main class="sign-in" id="main">
      <div class="card">
        <h1>Partner dashboard</h1>
        {!sent ? (
          <form onSubmit={run(async () => setSent(await api.post('/sign-in/code', { email })))}>
            <label for="email">Work email</label>
            <input
              id="email"
              type="email"
              autocomplete="email"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
            <button type="submit" disabled={busy}>
              Email me a sign-in code
            </button>
          </form>
        ) : (
          <form
            onSubmit={run(async () =>
              onSignedIn(await api.post<Session>('/sign-in/verify', { signInId: sent.signInId, code })),
            )}
          >
            <p>If {sent.emailMask} is a member, a six-digit code is on its way. It expires in 10 minutes.</p>
            <label for="code">Sign-in code</label>
            <input
              id="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            <button type="submit" disabled={busy}>
              Sign in
            </button>
            <button type="button" class="link" onClick={() => setSent(undefined)}>
              Use another email
            </button>
          </form>
        )}
        <ErrorNotice error={error} />
        <p class="small muted">Sandbox: codes are delivered to the sandbox inbox (/sandbox/inbox).</p>
      </div>
    </main>
  );
}
