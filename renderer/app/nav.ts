// The main navigation: screens of an open account, with titles for the top bar.
import type { IconName } from '../ui/icons.tsx';
import type { AdminSection, Route, SettingsSection } from './routes.ts';

export interface NavItem {
  readonly route: Route;
  readonly label: string;
  readonly icon: IconName;
}

export const mainNav: readonly NavItem[] = [
  { route: { name: 'profile' }, label: 'Profile', icon: 'user' },
  { route: { name: 'avatar' }, label: 'Avatar', icon: 'image' },
  { route: { name: 'privacy' }, label: 'Privacy', icon: 'shield' },
  { route: { name: 'directory' }, label: 'Directory', icon: 'users' },
];

export const settingsNav: readonly (NavItem & { readonly section: SettingsSection })[] = [
  {
    route: { name: 'settings', section: 'notifications' },
    section: 'notifications',
    label: 'Notifications',
    icon: 'bell',
  },
  { route: { name: 'settings', section: 'security' }, section: 'security', label: 'Security', icon: 'lock' },
  {
    route: { name: 'settings', section: 'preferences' },
    section: 'preferences',
    label: 'Preferences',
    icon: 'sliders',
  },
  {
    route: { name: 'settings', section: 'integrations' },
    section: 'integrations',
    label: 'Integrations',
    icon: 'key',
  },
  { route: { name: 'settings', section: 'account' }, section: 'account', label: 'Account', icon: 'settings' },
];

/** Shown only to administrators (the server refuses everyone else anyway). */
export const adminNav: readonly (NavItem & { readonly section: AdminSection })[] = [
  { route: { name: 'admin', section: 'users' }, section: 'users', label: 'Users', icon: 'users' },
  { route: { name: 'admin', section: 'audit' }, section: 'audit', label: 'Audit log', icon: 'shield' },
  { route: { name: 'admin', section: 'exports' }, section: 'exports', label: 'Exports', icon: 'upload' },
];

export function isActive(item: NavItem, route: Route): boolean {
  if (item.route.name !== route.name) return false;
  if (item.route.name === 'settings' && route.name === 'settings')
    return item.route.section === route.section;
  if (item.route.name === 'admin' && route.name === 'admin') return item.route.section === route.section;
  return true;
}

export function titleOf(route: Route): string {
  if (route.name === 'settings')
    return settingsNav.find((item) => item.section === route.section)?.label ?? 'Settings';
  if (route.name === 'admin') {
    if (route.section === 'users' && route.userId !== undefined) return 'User';
    return adminNav.find((item) => item.section === route.section)?.label ?? 'Administration';
  }
  return mainNav.find((item) => item.route.name === route.name)?.label ?? 'Accord';
}
