// What each channel of the bridge does in the main process: the IPC handler table, built from the
// credential store, the file saver, the link guard, the security alerts and the app's identity.
import type { CredentialStore } from './credentials.ts';
import type { FileSaver } from './files.ts';
import type { IpcHandlers } from './ipc.ts';
import type { SecurityAlerts } from './notifications.ts';

export interface BridgeServices {
  readonly credentials: CredentialStore;
  readonly files: FileSaver;
  /** Opens a link in the OS browser after validating it; false when refused. */
  readonly openExternal: (url: string) => Promise<boolean>;
  readonly alerts: SecurityAlerts;
  readonly appInfo: { readonly version: string; readonly platform: string; readonly syncUrl: string };
}

export function createBridgeHandlers(services: BridgeServices): IpcHandlers {
  const { credentials, files, alerts, appInfo } = services;
  return {
    'credentials:status': () => credentials.status(),
    'credentials:get': async ({ key }) => ({ secret: await credentials.get(key) }),
    'credentials:set': async ({ key, secret }) => ({ persisted: await credentials.set(key, secret) }),
    'credentials:delete': async ({ key }) => {
      await credentials.delete(key);
      return {};
    },
    'file:save-dialog': async (request) => ({ handle: await files.saveDialog(request) }),
    'file:write': async ({ handle, chunk }) => ({ bytesWritten: await files.write(handle, chunk) }),
    'file:close': async ({ handle, abort }) => ({ path: await files.close(handle, abort) }),
    'shell:open-external': async ({ url }) => ({ opened: await services.openExternal(url) }),
    'app:info': () =>
      Promise.resolve({
        version: appInfo.version,
        platform: appInfo.platform,
        shell: 'electron' as const,
        syncUrl: appInfo.syncUrl,
      }),
    'notify:security-alert': (alert) => Promise.resolve({ shown: alerts.show(alert) }),
  };
}
