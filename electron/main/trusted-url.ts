// Which URLs the shell trusts: the app's own app://accord pages, the Vite dev server in development,
// and which links may leave for the OS browser.
import { isSafeExternalUrl } from '#shared/contract/ipc';

export const APP_SCHEME = 'app';
export const APP_HOST = 'accord';
/** The origin of the packaged renderer; the sync server allows CORS from exactly this origin. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

/** The origins whose top frame may use the bridge: app://accord, plus the dev server when one is in use. */
export interface TrustedOrigins {
  readonly devServerOrigin: string | null;
}

/**
 * The serialized origin of a URL the shell could load, or null. `new URL()` reports "null" as the
 * origin of non-special schemes, so app:// is compared by its parts (no port, no credentials).
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.protocol === `${APP_SCHEME}:`) {
    return parsed.hostname === APP_HOST && parsed.port === '' ? APP_ORIGIN : null;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
  return null;
}

export function isTrustedOrigin(origin: string, trusted: TrustedOrigins): boolean {
  return origin === APP_ORIGIN || (trusted.devServerOrigin !== null && origin === trusted.devServerOrigin);
}

/** Whether a URL belongs to the app itself (its pages may talk to the main process). */
export function isTrustedAppUrl(url: string, trusted: TrustedOrigins): boolean {
  const origin = originOf(url);
  return origin !== null && isTrustedOrigin(origin, trusted);
}

/** Links that may open in the OS browser: http(s) with a host name and no credentials, never the app's own origin. */
export function isOpenableExternally(url: string, trusted: TrustedOrigins): boolean {
  return isSafeExternalUrl(url) && !isTrustedAppUrl(url, trusted);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server URL (Vite) from the environment: only plain http on a loopback host is accepted,
 * so a stray variable cannot point the app, with its bridge, at a remote site.
 */
export function parseDevServerUrl(value: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(`the dev server must be http:// on localhost, 127.0.0.1 or [::1], not ${url.origin}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new Error('the dev server URL must not hold credentials');
  return url;
}
