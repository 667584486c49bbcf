// A tiny typed router on the URL hash (#/profile, #/settings/security, #/directory/<id>): reloads
// keep the screen, the back button works, and the static server only ever serves index.html.
import { useEffect, useState } from 'react';

export const settingsSections = [
  'notifications',
  'security',
  'preferences',
  'integrations',
  'account',
] as const;
export type SettingsSection = (typeof settingsSections)[number];

export const adminSections = ['users', 'audit', 'exports'] as const;
export type AdminSection = (typeof adminSections)[number];

export type Route =
  | { readonly name: 'sign-in'; readonly email?: string }
  | { readonly name: 'sign-up' }
  | { readonly name: 'verify'; readonly email: string }
  | { readonly name: 'recover' }
  | { readonly name: 'profile'; readonly field?: string }
  | { readonly name: 'avatar' }
  | { readonly name: 'privacy'; readonly field?: string }
  | { readonly name: 'settings'; readonly section: SettingsSection; readonly field?: string }
  | { readonly name: 'directory'; readonly personId?: string }
  /** `userId`: the user shown (users) or the target the log is filtered by (audit). */
  | { readonly name: 'admin'; readonly section: AdminSection; readonly userId?: string };

export type RouteName = Route['name'];

export const authRouteNames: ReadonlySet<RouteName> = new Set(['sign-in', 'sign-up', 'verify', 'recover']);

function isSection(value: string | undefined): value is SettingsSection {
  return (settingsSections as readonly (string | undefined)[]).includes(value);
}

function isAdminSection(value: string | undefined): value is AdminSection {
  return (adminSections as readonly (string | undefined)[]).includes(value);
}

function parseAdminRoute(
  second: string | undefined,
  third: string | undefined,
  params: URLSearchParams,
): Route {
  const section = isAdminSection(second) ? second : 'users';
  const userId = section === 'users' ? third : (params.get('target') ?? undefined);
  return userId !== undefined && userId !== ''
    ? { name: 'admin', section, userId: decodeURIComponent(userId) }
    : { name: 'admin', section };
}

export function parseRoute(hash: string): Route | undefined {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(search);
  const field = params.get('field') ?? undefined;
  const [head, second, third] = path.split('/');
  switch (head) {
    case 'sign-in': {
      const email = params.get('email');
      return email !== null ? { name: 'sign-in', email } : { name: 'sign-in' };
    }
    case 'sign-up':
      return { name: 'sign-up' };
    case 'verify':
      return { name: 'verify', email: params.get('email') ?? '' };
    case 'recover':
      return { name: 'recover' };
    case 'profile':
      return field !== undefined ? { name: 'profile', field } : { name: 'profile' };
    case 'avatar':
      return { name: 'avatar' };
    case 'privacy':
      return field !== undefined ? { name: 'privacy', field } : { name: 'privacy' };
    case 'settings':
      return isSection(second)
        ? { name: 'settings', section: second, ...(field !== undefined ? { field } : {}) }
        : { name: 'settings', section: 'notifications' };
    case 'directory':
      return second !== undefined && second !== ''
        ? { name: 'directory', personId: decodeURIComponent(second) }
        : { name: 'directory' };
    case 'admin':
      return parseAdminRoute(second, third, params);
    default:
      return undefined;
  }
}

export function formatRoute(route: Route): string {
  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams(
      Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return search === '' ? '' : `?${search}`;
  };
  switch (route.name) {
    case 'sign-in':
      return `#/sign-in${query({ email: route.email })}`;
    case 'verify':
      return `#/verify${query({ email: route.email })}`;
    case 'settings':
      return `#/settings/${route.section}${query({ field: route.field })}`;
    case 'directory':
      return route.personId !== undefined
        ? `#/directory/${encodeURIComponent(route.personId)}`
        : '#/directory';
    case 'admin':
      if (route.section === 'users' && route.userId !== undefined)
        return `#/admin/users/${encodeURIComponent(route.userId)}`;
      return `#/admin/${route.section}${route.section === 'audit' ? query({ target: route.userId }) : ''}`;
    case 'profile':
    case 'privacy':
      return `#/${route.name}${query({ field: route.field })}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = formatRoute(route);
  if (options.replace) window.history.replaceState(null, '', hash);
  else window.location.hash = hash;
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route | undefined {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => {
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', update);
    return () => {
      window.removeEventListener('hashchange', update);
    };
  }, []);
  return route;
}
