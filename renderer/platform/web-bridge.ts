// The browser implementation of AccordBridge: the same channels as the Electron preload, built on
// web APIs. Credentials live in localStorage — the weaker fallback, and the UI says so.
import { isSafeExternalUrl, type AccordBridge, type IpcResult } from '#shared/contract/ipc';
import { CredentialKey } from '#shared/contract/ipc';
import { saveFileChannels } from './web-files.ts';

const CREDENTIAL_PREFIX = 'accord.credential.';

export const BROWSER_CREDENTIALS_REASON =
  'In a browser, your sign-in is kept in this site’s local storage, where anyone who can use this ' +
  'browser profile can read it. The desktop app keeps it in the system keychain instead.';

function ok<T>(value: T): Promise<IpcResult<T>> {
  return Promise.resolve({ ok: true, value });
}

function fail<T>(code: string, message: string): Promise<IpcResult<T>> {
  return Promise.resolve({ ok: false, error: { code, message } });
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function platformOf(agent: string): string {
  if (/Windows/.test(agent)) return 'win32';
  if (/Mac OS X|Macintosh/.test(agent)) return 'darwin';
  if (/Linux/.test(agent)) return 'linux';
  return 'web';
}

export interface WebBridgeOptions {
  readonly version: string;
}

export function createWebBridge(options: WebBridgeOptions): AccordBridge {
  return {
    'credentials:status': () =>
      ok({
        persistent: storage() !== undefined,
        backend: 'browser',
        reason: BROWSER_CREDENTIALS_REASON,
      }),
    'credentials:get': ({ key }) => {
      if (!CredentialKey.safeParse(key).success) return fail('invalid_key', 'Not a credential key.');
      return ok({ secret: storage()?.getItem(CREDENTIAL_PREFIX + key) ?? null });
    },
    'credentials:set': ({ key, secret }) => {
      const store = storage();
      if (!CredentialKey.safeParse(key).success) return fail('invalid_key', 'Not a credential key.');
      if (store === undefined) return ok({ persisted: false });
      try {
        store.setItem(CREDENTIAL_PREFIX + key, secret);
        return ok({ persisted: true });
      } catch {
        return ok({ persisted: false });
      }
    },
    'credentials:delete': ({ key }) => {
      if (!CredentialKey.safeParse(key).success) return fail('invalid_key', 'Not a credential key.');
      storage()?.removeItem(CREDENTIAL_PREFIX + key);
      return ok({});
    },
    ...saveFileChannels(),
    'shell:open-external': ({ url }) => {
      if (!isSafeExternalUrl(url)) return fail('unsafe_url', 'Only http and https links can be opened.');
      // With noopener, window.open returns null even when the tab opened, so it is not checked.
      window.open(url, '_blank', 'noopener,noreferrer');
      return ok({ opened: true });
    },
    'app:info': () =>
      ok({
        version: options.version,
        platform: platformOf(navigator.userAgent),
        shell: 'browser',
        syncUrl: null,
      }),
    'notify:security-alert': async ({ title, body }) => {
      if (typeof Notification === 'undefined') return { ok: true, value: { shown: false } };
      let permission = Notification.permission;
      if (permission === 'default') permission = await Notification.requestPermission();
      if (permission !== 'granted') return { ok: true, value: { shown: false } };
      new Notification(title, { body, tag: 'accord-security' });
      return { ok: true, value: { shown: true } };
    },
  };
}
