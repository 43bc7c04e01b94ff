import { ErrorBoundary } from './components/error-boundary.js';
import { AuditPage } from './pages/audit-page.js';
import { KeyDetailPage } from './pages/key-detail-page.js';
import { KeysPage } from './pages/keys-page.js';
import { MembersPage } from './pages/members-page.js';
import { ProjectsPage } from './pages/projects-page.js';
import { TokensPage } from './pages/tokens-page.js';
import { useEffect } from 'react';
import { Link, navigate, useLocation } from './router.js';
import { useSession } from './session.js';

interface NavItem {
  path: string;
  label: string;
  permission: string;
}

const NAV: NavItem[] = [
  { path: '/keys', label: 'API keys', permission: 'latchkey:keys:read' },
  { path: '/tokens', label: 'Personal tokens', permission: 'latchkey:tokens:read' },
  { path: '/projects', label: 'Projects', permission: 'latchkey:projects:read' },
  { path: '/members', label: 'Members', permission: 'latchkey:members:read' },
  { path: '/audit', label: 'Audit log', permission: 'latchkey:audit:read' },
];

/** The signed-in frame: organization settings navigation on the left, the page on the right. */
export function Layout() {
  const { whoami, can, signOut } = useSession();
  const { path } = useLocation();
  const visible = NAV.filter((item) => can(item.permission));
  const keyDetail = /^\/keys\/(key_[A-Za-z0-9]+)$/.exec(path);

  let page;
  if (keyDetail) page = <KeyDetailPage keyId={keyDetail[1]!} />;
  else if (path === '/keys' && can('latchkey:keys:read')) page = <KeysPage />;
  else if (path === '/tokens' && can('latchkey:tokens:read')) page = <TokensPage />;
  else if (path === '/projects' && can('latchkey:projects:read')) page = <ProjectsPage />;
  else if (path === '/members' && can('latchkey:members:read')) page = <MembersPage />;
  else if (path === '/audit' && can('latchkey:audit:read')) page = <AuditPage />;
  else if (path === '/' && visible[0]) page = <Redirect to={visible[0].path} />;
  else page = <NotFound />;

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
              <Link to={item.path} aria-current={path === item.path || (item.path === '/keys' && keyDetail) ? 'page' : undefined}>
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

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no such page, or your role does not include it.</p>
    </section>
  );
}
