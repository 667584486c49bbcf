// The signed-in frame: sidebar navigation, a top bar with the screen title and the sync indicator,
// and the screen itself. The sync panel opens from the indicator on every screen.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { AccountMenu } from '../features/accounts/account-menu.tsx';
import { SyncPanel } from '../features/sync/sync-panel.tsx';
import { SignInAgainNotice } from '../features/sync/sign-in-again.tsx';
import { SyncStatusButton } from '../features/sync/sync-status-button.tsx';
import { useIsAdmin } from '../features/admin/use-is-admin.ts';
import { Icon } from '../ui/icons.tsx';
import { formatRoute, type Route } from './routes.ts';
import { adminNav, isActive, mainNav, settingsNav, titleOf, type NavItem } from './nav.ts';

function NavLink({ item, route }: { readonly item: NavItem; readonly route: Route }) {
  const active = isActive(item, route);
  return (
    <li>
      <a
        href={formatRoute(item.route)}
        className={`nav-link ${active ? 'is-active' : ''}`}
        aria-current={active ? 'page' : undefined}
      >
        <Icon name={item.icon} />
        <span>{item.label}</span>
      </a>
    </li>
  );
}

export function Shell({ route, children }: { readonly route: Route; readonly children: ReactNode }) {
  const [syncOpen, setSyncOpen] = useState(false);
  const title = titleOf(route);
  const mainRef = useRef<HTMLElement>(null);
  const isAdmin = useIsAdmin();
  useEffect(() => {
    document.title = `${title} · Accord`;
    mainRef.current?.scrollTo({ top: 0 });
  }, [title]);
  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar__brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Accord</span>
        </div>
        <nav aria-label="Main" className="sidebar__nav">
          <ul>
            {mainNav.map((item) => (
              <NavLink key={item.label} item={item} route={route} />
            ))}
          </ul>
          <p className="sidebar__group" id="settings-nav-title">
            Settings
          </p>
          <ul aria-labelledby="settings-nav-title">
            {settingsNav.map((item) => (
              <NavLink key={item.label} item={item} route={route} />
            ))}
          </ul>
          {isAdmin ? (
            <>
              <p className="sidebar__group" id="admin-nav-title">
                Administration
              </p>
              <ul aria-labelledby="admin-nav-title">
                {adminNav.map((item) => (
                  <NavLink key={item.label} item={item} route={route} />
                ))}
              </ul>
            </>
          ) : null}
        </nav>
        <div className="sidebar__footer">
          <AccountMenu />
        </div>
      </aside>
      <header className="topbar">
        <h1 className="topbar__title">{title}</h1>
        <SyncStatusButton
          onOpen={() => {
            setSyncOpen(true);
          }}
        />
      </header>
      <main className="content" id="main" ref={mainRef} tabIndex={-1}>
        <div className="content__inner">{children}</div>
      </main>
      {syncOpen ? null : (
        <SignInAgainNotice
          onSignIn={() => {
            setSyncOpen(true);
          }}
        />
      )}
      <SyncPanel
        open={syncOpen}
        onClose={() => {
          setSyncOpen(false);
        }}
      />
    </div>
  );
}
