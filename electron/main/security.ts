// Web-contents hardening: no navigation, no new windows (safe links go to the OS browser), no
// webviews, permissions denied by default, and the Content-Security-Policy of the app's pages.
import type { On } from './events.ts';
import { isOpenableExternally, isTrustedAppUrl, originOf, type TrustedOrigins } from './trusted-url.ts';

/** The part of Electron's navigation events the guards use. */
export interface NavigationDetails {
  readonly url: string;
  preventDefault(): void;
}

type NavigationListener = (details: NavigationDetails) => void;

/** The events and hooks of a WebContents the guards attach to (Electron's WebContents satisfies it). */
export type GuardedContents = On<'will-navigate', NavigationListener> &
  On<'will-frame-navigate', NavigationListener> &
  On<'will-redirect', NavigationListener> &
  On<'will-attach-webview', (event: { preventDefault(): void }) => void> & {
    setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  };

export type OpenExternal = (url: string) => Promise<void>;

export interface GuardOptions {
  readonly trusted: TrustedOrigins;
  readonly openExternal: OpenExternal;
  /** Where a failure to hand a link to the OS browser is reported. */
  readonly log: (message: string) => void;
}

/**
 * Hands a link to the OS browser when it is a safe http(s) URL; anything else is refused.
 * Returns whether it was handed over.
 */
export async function openExternalIfSafe(url: string, options: GuardOptions): Promise<boolean> {
  if (!isOpenableExternally(url, options.trusted)) {
    options.log(`refused to open a link with an unsafe or unsupported URL (${describeUrl(url)})`);
    return false;
  }
  // The OS gets the URL as it was parsed and checked, not the raw string.
  await options.openExternal(new URL(url).href);
  return true;
}

/** Attaches every guard to one WebContents. The app never navigates after its first load. */
export function guardContents(contents: GuardedContents, options: GuardOptions): void {
  const sendOut = (url: string) => {
    openExternalIfSafe(url, options).catch((error: unknown) => {
      options.log(`could not open a link in the OS browser: ${String(error)}`);
    });
  };
  contents.on('will-navigate', (details) => {
    details.preventDefault();
    sendOut(details.url);
  });
  contents.on('will-frame-navigate', (details) => {
    details.preventDefault();
  });
  contents.on('will-redirect', (details) => {
    if (!isTrustedAppUrl(details.url, options.trusted)) details.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    sendOut(url);
    return { action: 'deny' };
  });
}

/** The session hooks that decide permissions (Electron's Session satisfies it). */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(
    handler: ((contents: unknown, permission: string, requestingOrigin: string) => boolean) | null,
  ): void;
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void;
}

/**
 * The only permission granted, and only to the app's own pages: writing (sanitized) text to the
 * clipboard, which "copy recovery codes" needs. Reading the clipboard, camera, microphone,
 * geolocation, notifications (the bridge shows those), devices and everything else are denied.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, origin: string, trusted: TrustedOrigins): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isTrustedAppUrl(origin, trusted);
}

/** Any object that reports the URL of the page asking (a WebContents). */
function requestingUrl(contents: unknown): string {
  if (typeof contents !== 'object' || contents === null || !('getURL' in contents)) return '';
  const getUrl: unknown = contents.getURL;
  if (typeof getUrl !== 'function') return '';
  const url: unknown = getUrl.call(contents);
  return typeof url === 'string' ? url : '';
}

export function denyPermissionsByDefault(session: PermissionSession, trusted: TrustedOrigins): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isPermissionAllowed(permission, requestingUrl(contents), trusted));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, trusted),
  );
  session.setDevicePermissionHandler(() => false);
}

export interface CspOptions {
  /** The sync server the renderer talks to (its origin is added to connect-src and img-src). */
  readonly syncUrl: string;
}

/**
 * The Content-Security-Policy of the app's pages: scripts and styles only from the app itself (no
 * inline scripts, no eval), network only to the app and its sync server, no plugins, no framing.
 */
export function contentSecurityPolicy(options: CspOptions): string {
  const sync = originOf(options.syncUrl);
  const syncSource = sync === null ? '' : ` ${sync}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${syncSource}`,
    `connect-src 'self'${syncSource}`,
    "font-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A URL for a log line: scheme and host only, never a path or query that could hold a secret. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? parsed.protocol : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'not a URL';
  }
}
