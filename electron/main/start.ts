// Starts the shell: single-instance lock, sandbox for every renderer, the app:// scheme, navigation
// and permission guards, the bridge's IPC handlers, the menu and the main window. Electron reaches
// it through ShellDeps, so every piece can be driven by a fake Electron in tests.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { createBridgeHandlers } from './bridge.ts';
import type { On } from './events.ts';
import { loadShellConfig, type ShellConfig } from './config.ts';
import { createCredentialStore, type SafeStorageLike } from './credentials.ts';
import { createFileSaver, type FileSaver, type SaveDialogOptions } from './files.ts';
import { registerIpcHandlers, type IpcRegistry } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { createSecurityAlerts, type NotificationFactory } from './notifications.ts';
import { createAppRequestHandler, registerAppScheme, type SchemeRegistry } from './protocol.ts';
import {
  contentSecurityPolicy,
  denyPermissionsByDefault,
  guardContents,
  openExternalIfSafe,
  type GuardedContents,
  type GuardOptions,
  type PermissionSession,
} from './security.ts';
import { claimSingleInstance, type InstanceApp } from './single-instance.ts';
import { APP_ENTRY_URL, APP_SCHEME, type TrustedOrigins } from './trusted-url.ts';
import { focusWindow, openMainWindow, type MainWindow, type WindowConstructor } from './window.ts';
import type { Rectangle } from './window-state.ts';

/** The part of Electron's app the shell uses. */
export type ShellApp = InstanceApp &
  On<'web-contents-created', (event: unknown, contents: GuardedContents) => void> &
  On<'window-all-closed', () => void> &
  On<'activate', () => void> & {
    readonly isPackaged: boolean;
    getVersion(): string;
    getName(): string;
    getPath(name: 'userData' | 'downloads' | 'appData'): string;
    setPath(name: 'userData', path: string): void;
    enableSandbox(): void;
    whenReady(): Promise<void>;
  };

export interface AppProtocol extends SchemeRegistry {
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

/** Electron, as the shell sees it; main.ts passes the real modules, tests a fake. */
export interface ShellDeps<W extends MainWindow> {
  readonly app: ShellApp;
  readonly protocol: AppProtocol;
  readonly ipcMain: IpcRegistry;
  readonly safeStorage: SafeStorageLike;
  readonly defaultSession: () => PermissionSession;
  readonly BrowserWindow: WindowConstructor<W>;
  readonly showSaveDialog: (
    window: W | null,
    options: SaveDialogOptions,
  ) => Promise<{ canceled: boolean; filePath?: string }>;
  readonly showErrorBox: (title: string, content: string) => void;
  readonly openExternal: (url: string) => Promise<void>;
  readonly setApplicationMenu: (template: MenuItemConstructorOptions[]) => void;
  readonly notifications: NotificationFactory;
  /** The work areas of the connected displays (read after the app is ready). */
  readonly workAreas: () => Rectangle[];
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** The folder of the built main process (electron/dist): preload.cjs and icon.png sit beside it. */
  readonly distDir: string;
  readonly log: (message: string) => void;
}

export interface Shell<W extends MainWindow> {
  readonly config: ShellConfig;
  /** Settles when the window has been created (or start-up failed and the app quits). */
  readonly ready: Promise<void>;
  mainWindow(): W | null;
}

/** The userData folder name of unpackaged runs; the installed app uses its product name, Accord. */
export const DEVELOPMENT_DATA_FOLDER = 'Accord (development)';

/** Starts the shell; returns null when it does not run (another instance has the lock, or bad settings). */
export function startShell<W extends MainWindow>(deps: ShellDeps<W>): Shell<W> | null {
  const { app } = deps;
  let config: ShellConfig;
  try {
    config = loadShellConfig(deps.env, app.isPackaged);
  } catch (error) {
    failAfterReady(deps, `Accord cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  if (!app.isPackaged) {
    // An unpackaged run (electron electron/dist/main.js) would otherwise share Electron's default
    // folder with every other unpackaged app; it gets its own, apart from the installed app's.
    app.setPath('userData', config.userDataDir ?? path.join(app.getPath('appData'), DEVELOPMENT_DATA_FOLDER));
  }
  let window: W | null = null;
  const focusMain = () => {
    focusWindow(window);
  };
  if (!claimSingleInstance(app, focusMain)) return null;

  app.enableSandbox();
  registerAppScheme(deps.protocol);
  const trusted: TrustedOrigins = { devServerOrigin: config.devServerUrl?.origin ?? null };
  const guard: GuardOptions = { trusted, openExternal: deps.openExternal, log: deps.log };
  // Every WebContents the app ever creates gets the guards, the main window's included.
  app.on('web-contents-created', (_event, contents) => {
    guardContents(contents, guard);
  });
  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });

  let openWindow: (() => void) | undefined;
  const ready = app.whenReady().then(() => {
    const rendererDir = path.resolve(deps.distDir, '..', '..', 'renderer', 'dist');
    if (config.devServerUrl === null && !existsSync(path.join(rendererDir, 'index.html'))) {
      deps.showErrorBox(
        'Accord cannot start',
        `The app's pages are missing (${rendererDir}). Build them with "npm run build:renderer".`,
      );
      app.quit();
      return;
    }
    denyPermissionsByDefault(deps.defaultSession(), trusted);
    deps.protocol.handle(
      APP_SCHEME,
      createAppRequestHandler({
        rootDir: rendererDir,
        contentSecurityPolicy: contentSecurityPolicy({ syncUrl: config.syncUrl }),
      }),
    );
    const files = installBridge(deps, { config, trusted, guard, window: () => window, focusMain });
    deps.setApplicationMenu(
      buildMenuTemplate({ platform: deps.platform, appName: app.getName(), isDevelopment: !app.isPackaged }),
    );
    openWindow = () => {
      const current = openShellWindow(deps, config);
      window = current;
      current.on('closed', () => {
        if (window === current) window = null;
        files.abortAll().catch((error: unknown) => {
          deps.log(`could not remove unfinished files: ${String(error)}`);
        });
      });
    };
    openWindow();
  });
  app.on('activate', () => {
    if (window === null) openWindow?.();
  });
  return { config, ready, mainWindow: () => window };
}

interface BridgeContext<W extends MainWindow> {
  readonly config: ShellConfig;
  readonly trusted: TrustedOrigins;
  readonly guard: GuardOptions;
  readonly window: () => W | null;
  readonly focusMain: () => void;
}

/** Registers the bridge's IPC handlers; returns the file saver, whose open files die with the window. */
function installBridge<W extends MainWindow>(deps: ShellDeps<W>, context: BridgeContext<W>): FileSaver {
  const { app } = deps;
  const files = createFileSaver({
    showSaveDialog: (options) => deps.showSaveDialog(context.window(), options),
    defaultDirectory: app.getPath('downloads'),
  });
  const handlers = createBridgeHandlers({
    credentials: createCredentialStore({
      safeStorage: deps.safeStorage,
      platform: deps.platform,
      file: path.join(app.getPath('userData'), 'credentials.json'),
      log: deps.log,
    }),
    files,
    openExternal: (url) => openExternalIfSafe(url, context.guard),
    alerts: createSecurityAlerts(deps.notifications, context.focusMain),
    appInfo: { version: app.getVersion(), platform: deps.platform, syncUrl: context.config.syncUrl },
  });
  registerIpcHandlers(deps.ipcMain, {
    handlers,
    mainContentsId: () => {
      const window = context.window();
      return window === null || window.isDestroyed() ? null : window.webContents.id;
    },
    trusted: context.trusted,
    log: deps.log,
  });
  return files;
}

/** Opens the main window on the app (or the dev server), with the preload and icon beside main.js. */
function openShellWindow<W extends MainWindow>(deps: ShellDeps<W>, config: ShellConfig): W {
  const iconPath = path.join(deps.distDir, 'icon.png');
  return openMainWindow({
    BrowserWindow: deps.BrowserWindow,
    preloadPath: path.join(deps.distDir, 'preload.cjs'),
    iconPath: existsSync(iconPath) ? iconPath : undefined,
    stateFile: path.join(deps.app.getPath('userData'), 'window-state.json'),
    workAreas: deps.workAreas(),
    entryUrl: config.devServerUrl?.href ?? APP_ENTRY_URL,
    log: deps.log,
  }).window;
}

/** Reports a fatal start-up problem in a dialog once Electron can show one, then quits. */
function failAfterReady<W extends MainWindow>(deps: ShellDeps<W>, message: string): void {
  deps.log(message);
  deps.app
    .whenReady()
    .then(() => {
      deps.showErrorBox('Accord cannot start', message);
      deps.app.quit();
    })
    .catch((error: unknown) => {
      deps.log(`could not report the start-up problem: ${String(error)}`);
    });
}
