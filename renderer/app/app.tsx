// The root component: boot state, the auth screens when no account is open, otherwise the shell
// with the current screen, the theme and the language applied from the account's settings.
import { useEffect } from 'react';
import { useSecurityAlerts } from '../features/accounts/security-alerts.ts';
import { RecoverScreen } from '../features/auth/recover-screen.tsx';
import { SignInScreen } from '../features/auth/sign-in-screen.tsx';
import { SignUpScreen } from '../features/auth/sign-up-screen.tsx';
import { VerifyScreen } from '../features/auth/verify-screen.tsx';
import { useProfile, useSettings } from '../features/own-docs.ts';
import { EmptyState, Loading } from '../ui/feedback.tsx';
import type { AccountManager } from './account-manager.ts';
import { ManagerProvider, RuntimeProvider, useManager } from './app-context.tsx';
import type { AccountRuntime } from './runtime.ts';
import { authRouteNames, navigate, useRoute, type Route } from './routes.ts';
import { Screen, type AppRoute } from './screens.tsx';
import { Shell } from './shell.tsx';
import { useApplyTheme } from './theme.ts';
import { useObservable } from './use-observable.ts';
import type { KnownAccount } from '../api/known-accounts.ts';

export function App({ manager }: { readonly manager: AccountManager }) {
  const state = useObservable(manager.state$, manager.state$.value);
  return (
    <ManagerProvider manager={manager}>
      {state.kind === 'booting' ? (
        <Splash />
      ) : state.kind === 'failed' ? (
        <div className="splash">
          <EmptyState icon="alert" title="Accord could not start">
            {state.message}
          </EmptyState>
        </div>
      ) : state.kind === 'signed-out' ? (
        <SignedOut accounts={state.accounts} />
      ) : (
        <RuntimeProvider runtime={state.runtime} key={state.runtime.userId}>
          <OpenAccount runtime={state.runtime} />
        </RuntimeProvider>
      )}
    </ManagerProvider>
  );
}

function Splash() {
  useApplyTheme('system', 'en');
  return (
    <div className="splash">
      <Loading label="Opening Accord…" />
    </div>
  );
}

function SignedOut({ accounts }: { readonly accounts: readonly KnownAccount[] }) {
  useApplyTheme('system', 'en');
  const route = useRoute();
  switch (route?.name) {
    case 'sign-up':
      return <SignUpScreen />;
    case 'verify':
      return <VerifyScreen email={route.email} />;
    case 'recover':
      return <RecoverScreen />;
    case 'sign-in':
      return (
        <SignInScreen accounts={accounts} {...(route.email !== undefined ? { email: route.email } : {})} />
      );
    default:
      return <SignInScreen accounts={accounts} />;
  }
}

function isAppRoute(route: Route | undefined): route is AppRoute {
  return route !== undefined && !authRouteNames.has(route.name);
}

function OpenAccount({ runtime }: { readonly runtime: AccountRuntime }) {
  const manager = useManager();
  const settings = useSettings();
  const profile = useProfile();
  const route = useRoute();
  useApplyTheme(settings?.theme ?? 'system', settings?.language ?? 'en');
  useSecurityAlerts();
  const displayName = profile?.displayName;
  useEffect(() => {
    if (displayName !== undefined) manager.relabel({ displayName });
  }, [manager, displayName]);
  const startPage = settings?.startPage;
  useEffect(() => {
    if (isAppRoute(route) || settings === undefined) return;
    const start = startPage ?? 'profile';
    navigate(start === 'settings' ? { name: 'settings', section: 'notifications' } : { name: start }, {
      replace: true,
    });
  }, [route, settings, startPage]);
  if (!isAppRoute(route)) return <Splash />;
  return (
    <Shell route={route} key={runtime.userId}>
      <Screen route={route} />
    </Shell>
  );
}
