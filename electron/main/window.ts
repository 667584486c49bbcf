// The one application window: its locked-down web preferences, remembered bounds, guards, and the
// page it loads (app://accord/ when packaged or built, the Vite dev server in development).
import type { BrowserWindowConstructorOptions } from 'electron';
import type { On, Once } from './events.ts';
import type { GuardedContents } from './security.ts';
import {
  loadWindowState,
  MIN_SIZE,
  trackWindowState,
  type Rectangle,
  type TrackedWindow,
} from './window-state.ts';

export type MainWindowContents = GuardedContents & { readonly id: number };

/** The window operations the shell uses (Electron's BrowserWindow satisfies it). */
export type MainWindow = TrackedWindow &
  Once<'ready-to-show', () => void> &
  On<'closed', () => void> & {
    readonly webContents: MainWindowContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    maximize(): void;
    isDestroyed(): boolean;
    isMinimized(): boolean;
    restore(): void;
    focus(): void;
  };

export interface WindowOptionsInput {
  readonly preloadPath: string;
  readonly bounds: {
    readonly x?: number;
    readonly y?: number;
    readonly width: number;
    readonly height: number;
  };
  readonly iconPath?: string | undefined;
}

/** Electron's BrowserWindow class, or a fake of it in tests. */
export type WindowConstructor<W extends MainWindow> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Creates the window with its renderer sandbox: Chromium's sandbox, context isolation, no Node.js in
 * the page, its workers or frames, same-origin policy on, no insecure content, no webviews, no
 * drag-and-drop navigation, no middle-click (auxclick) window opening. The preload is the only code
 * with access to Electron, and it exposes only the bridge. The options are written out at the
 * `new BrowserWindow` call so that static checkers (Electronegativity) see them.
 */
export function createMainBrowserWindow<W extends MainWindow>(
  BrowserWindow: WindowConstructor<W>,
  input: WindowOptionsInput,
): W {
  return new BrowserWindow({
    ...input.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Accord',
    backgroundColor: '#f7f7f8',
    ...(input.iconPath === undefined ? {} : { icon: input.iconPath }),
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      disableBlinkFeatures: 'Auxclick',
      preload: input.preloadPath,
    },
  });
}

export interface OpenWindowDeps<W extends MainWindow> {
  readonly BrowserWindow: WindowConstructor<W>;
  readonly preloadPath: string;
  readonly iconPath?: string | undefined;
  readonly stateFile: string;
  readonly workAreas: readonly Rectangle[];
  readonly entryUrl: string;
  readonly log: (message: string) => void;
}

export interface OpenedWindow<W extends MainWindow> {
  readonly window: W;
  /** Writes the window's bounds now (the tracker also saves on its own). */
  readonly saveState: () => void;
}

/** Creates the window at its remembered bounds and loads the app; the guards attach in web-contents-created. */
export function openMainWindow<W extends MainWindow>(deps: OpenWindowDeps<W>): OpenedWindow<W> {
  const initial = loadWindowState(deps.stateFile, deps.workAreas);
  const { maximized, ...bounds } = initial;
  const window = createMainBrowserWindow(deps.BrowserWindow, {
    preloadPath: deps.preloadPath,
    bounds,
    iconPath: deps.iconPath,
  });
  const saveState = trackWindowState(window, deps.stateFile, deps.log);
  window.once('ready-to-show', () => {
    if (maximized) window.maximize();
    window.show();
  });
  window.loadURL(deps.entryUrl).catch((error: unknown) => {
    deps.log(`could not load the app page: ${String(error)}`);
  });
  return { window, saveState };
}

/** Brings the window to the front (a second launch, a notification click). */
export function focusWindow(window: MainWindow | null): void {
  if (window === null || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
