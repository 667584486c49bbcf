// Maps the route of an open account to its screen.
import { missingCase } from '#shared/errors';
import { AdminScreen } from '../features/admin/admin-screen.tsx';
import { AvatarScreen } from '../features/avatar/avatar-screen.tsx';
import { DirectoryScreen } from '../features/directory/directory-screen.tsx';
import { PrivacyScreen } from '../features/privacy/privacy-screen.tsx';
import { ProfileScreen } from '../features/profile/profile-screen.tsx';
import { AccountScreen } from '../features/settings/account-screen.tsx';
import { IntegrationsScreen } from '../features/settings/integrations-screen.tsx';
import { NotificationsScreen } from '../features/settings/notifications-screen.tsx';
import { PreferencesScreen } from '../features/settings/preferences-screen.tsx';
import { SecurityScreen } from '../features/settings/security-screen.tsx';
import type { Route, SettingsSection } from './routes.ts';

function SettingsScreen({
  section,
  field,
}: {
  readonly section: SettingsSection;
  readonly field?: string | undefined;
}) {
  switch (section) {
    case 'notifications':
      return <NotificationsScreen focusField={field} />;
    case 'security':
      return <SecurityScreen />;
    case 'preferences':
      return <PreferencesScreen />;
    case 'integrations':
      return <IntegrationsScreen />;
    case 'account':
      return <AccountScreen />;
    default:
      return missingCase(section);
  }
}

export type AppRoute = Exclude<Route, { name: 'sign-in' | 'sign-up' | 'verify' | 'recover' }>;

export function Screen({ route }: { readonly route: AppRoute }) {
  switch (route.name) {
    case 'profile':
      return <ProfileScreen focusField={route.field} />;
    case 'avatar':
      return <AvatarScreen />;
    case 'privacy':
      return <PrivacyScreen focusField={route.field} />;
    case 'directory':
      return <DirectoryScreen personId={route.personId} />;
    case 'settings':
      return <SettingsScreen section={route.section} field={route.field} />;
    case 'admin':
      return <AdminScreen section={route.section} userId={route.userId} />;
    default:
      return missingCase(route);
  }
}
