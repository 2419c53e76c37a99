// The partner dashboard: the signed-in shell (navigation, client switcher, sign-out) and the pages.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, whenSignedOut, type Session } from './api.ts';
import { Loading } from './components/ui.tsx';
import { KeysPage } from './pages/keys.tsx';
import { MembersPage } from './pages/members.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { RequestsPage } from './pages/requests.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { UserPage } from './pages/user.tsx';
import { UsersPage } from './pages/users.tsx';
import { WebhookPage, WebhooksPage } from './pages/webhooks.tsx';
import { interceptLinks, navigate, usePath } from './router.ts';
import './styles.css';

const NAV = [
  ['/', 'Reports'],
  ['/users', 'Users'],
  ['/webhooks', 'Webhooks'],
  ['/keys', 'API keys'],
  ['/requests', 'Request log'],
  ['/members', 'Members'],
] as const;

function Shell({ session, onSession }: { session: Session; onSession: (s: Session | null) => void }) {
  const { path, search } = usePath();
  const admin = session.member.role === 'ADMIN';
  const section = `/${path.split('/')[1] ?? ''}`;
  const switchTo = (clientId: string) =>
    void api.post<Session>('/session/switch', { clientId }).then((s) => {
      onSession(s);
      navigate('/');
    });
  const page = (() => {
    const [, first, id] = path.split('/');
    if (path === '/') return <OverviewPage search={search} />;
    if (first === 'users' && id) return <UserPage id={id} />;
    if (first === 'users') return <UsersPage search={search} />;
    if (first === 'webhooks' && id) return <WebhookPage id={id} admin={admin} search={search} />;
    if (first === 'webhooks') return <WebhooksPage admin={admin} />;
    if (first === 'keys') return <KeysPage admin={admin} />;
    if (first === 'requests') return <RequestsPage search={search} />;
    if (first === 'members') return <MembersPage session={session} />;
    return <h1>Page not found</h1>;
  })();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          onramp <span class="muted">dashboard</span>
          {session.mode === 'sandbox' ? <span class="badge wait">sandbox</span> : null}
        </div>
        <div class="who">
          {session.memberships.length > 1 ? (
            <label>
              <span class="sr-only">Client</span>
              <select value={session.client.id} onChange={(e) => switchTo(e.currentTarget.value)}>
                {session.memberships.map((m) => (
                  <option key={m.clientId} value={m.clientId}>
                    {m.clientName}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <strong data-testid="client-name">{session.client.name}</strong>
          )}
          <span class="small muted">
            {session.member.email} · {session.member.role.toLowerCase()}
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => void api.post('/sign-out').then(() => onSession(null))}
          >
            Sign out
          </button>
        </div>
        <nav aria-label="Dashboard">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={`/dashboard${href === '/' ? '' : href}`} aria-current={section === href ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const accept = useCallback((s: Session | null) => {
    if (s) setCsrfToken(s.csrfToken);
    setSession(s);
  }, []);
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    api.get<Session>('/session').then(accept, () => setSession(null));
  }, [accept]);
  const { path } = usePath();
  useEffect(() => {
    if (session === null && path !== '/sign-in') navigate('/sign-in', true);
    if (session && path === '/sign-in') navigate('/', true);
  }, [session, path]);
  if (session === undefined) return <Loading what="the dashboard" />;
  if (session === null) return <SignInPage onSignedIn={accept} />;
  return <Shell session={session} onSession={accept} />;
}

interceptLinks();
render(<App />, document.getElementById('app')!);
