import { ErrorBoundary } from './components/error-boundary.js';
import { AuditPage } from './pages/audit-page.js';
import { AuthorizedAppsPage } from './pages/authorized-apps-page.js';
import { KeyDetailPage } from './pages/key-detail-page.js';
import { KeysPage } from './pages/keys-page.js';
import { MembersPage } from './pages/members-page.js';
import { OAuthAppsPage } from './pages/oauth-apps-page.js';
import { OAuthClientsPage } from './pages/oauth-clients-page.js';
import { ProjectsPage } from './pages/projects-page.js';
import { TokensPage } from './pages/tokens-page.js';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { useSession } from './session.js';

interface NavItem {
  path: string;
  label: string;
  /** null: every signed-in member (the page shows only what is theirs). */
  permission: string | null;
}

/** Key ids have a fixed shape; any other `/keys/…` path is "Not found" rather than a request for a key. */
const KEY_DETAIL = /^\/keys\/(?<keyId>key_[A-Za-z0-9]+)$/;

const NAV: NavItem[] = [
  { path: '/keys', label: 'API keys', permission: 'latchkey:keys:read' },
  { path: '/tokens', label: 'Personal tokens', permission: 'latchkey:tokens:read' },
  { path: '/projects', label: 'Projects', permission: 'latchkey:projects:read' },
  { path: '/members', label: 'Members', permission: 'latchkey:members:read' },
  { path: '/audit', label: 'Audit log', permission: 'latchkey:audit:read' },
  // Managing OAuth clients needs write: the list alone is of no use to someone who cannot act on it.
  { path: '/oauth-applications', label: 'OAuth applications', permission: 'latchkey:oauth:write' },
  { path: '/client-credentials', label: 'Client credentials', permission: 'latchkey:oauth:write' },
  { path: '/authorized-apps', label: 'Authorized apps', permission: null },
];

/** The signed-in frame: organization settings navigation on the left, the page on the right. */
export function Layout() {
  const { whoami, can, signOut } = useSession();
  const [path] = useLocation();
  const visible = NAV.filter((item) => item.permission === null || can(item.permission));
  const onKeyDetail = KEY_DETAIL.test(path);
  const home = visible[0];

  // Pages the member's role lacks are left out of the switch, so their paths fall through to "Not found".
  const page = (
    <Switch>
      <Route path={KEY_DETAIL}>{(params) => <KeyDetailPage keyId={params.keyId!} />}</Route>
      {can('latchkey:keys:read') && <Route path="/keys" component={KeysPage} />}
      {can('latchkey:tokens:read') && <Route path="/tokens" component={TokensPage} />}
      {can('latchkey:projects:read') && <Route path="/projects" component={ProjectsPage} />}
      {can('latchkey:members:read') && <Route path="/members" component={MembersPage} />}
      {can('latchkey:audit:read') && <Route path="/audit" component={AuditPage} />}
      {can('latchkey:oauth:write') && <Route path="/oauth-applications" component={OAuthAppsPage} />}
      {can('latchkey:oauth:write') && <Route path="/client-credentials" component={OAuthClientsPage} />}
      <Route path="/authorized-apps" component={AuthorizedAppsPage} />
      {home && (
        <Route path="/">
          <Redirect to={home.path} replace />
        </Route>
      )}
      <Route component={NotFound} />
    </Switch>
  );

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Latchkey</span>
        <span className="org" title={whoami.organization.id}>
          {whoami.organization.name}
        </span>
        <span className="spacer" />
        <span className="who">
          {whoami.user?.email} <span className="role">{whoami.role}</span>
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Organization settings">
        <ul>
          {visible.map((item) => (
            <li key={item.path}>
              <Link to={item.path} aria-current={path === item.path || (item.path === '/keys' && onKeyDetail) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <ErrorBoundary resetKey={path}>{page}</ErrorBoundary>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no such page, or your role does not include it.</p>
    </section>
  );
}
