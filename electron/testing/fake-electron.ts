// A fake of the Electron APIs the shell uses (app, BrowserWindow, ipcMain, protocol, session,
// safeStorage, dialogs, notifications), recording what the shell does, for unit tests without a binary.
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import type { SafeStorageLike } from '../main/credentials.ts';
import type { SaveDialogOptions } from '../main/files.ts';
import type { InvokeEvent, SenderFrame } from '../main/ipc.ts';
import type { NotificationLike } from '../main/notifications.ts';
import type { ShellDeps } from '../main/start.ts';
import type { MainWindow } from '../main/window.ts';
import type { Rectangle } from '../main/window-state.ts';

/** A navigation event as Electron passes it: a URL and preventDefault. */
export class FakeNavigation {
  defaultPrevented = false;
  constructor(readonly url: string) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  windowOpenHandler: ((details: { readonly url: string }) => { action: 'deny' }) | undefined;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  /** Emits a navigation-type event and tells whether the shell prevented it. */
  navigate(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
    const details = new FakeNavigation(url);
    this.emit(event, details);
    return details.defaultPrevented;
  }
  /** What window.open(url) would get: the handler's answer. */
  openWindow(url: string): { action: 'deny' } | undefined {
    return this.windowOpenHandler?.({ url });
  }
}

export interface FakeWindowRegistry {
  readonly windows: FakeBrowserWindow[];
  /** Electron emits web-contents-created from the BrowserWindow constructor. */
  onContentsCreated?: (contents: FakeWebContents) => void;
}

export class FakeBrowserWindow extends EventEmitter implements MainWindow {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  shown = false;
  maximized = false;
  minimized = false;
  destroyed = false;
  focused = false;
  bounds: Rectangle;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focused = true;
  }
  getNormalBounds(): Rectangle {
    return this.bounds;
  }
  /** Closes the window the way Electron does: close, then closed. */
  close(): void {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
}

/** A BrowserWindow class that records its instances in `registry`. */
export function fakeWindowClass(
  registry: FakeWindowRegistry,
): new (options: BrowserWindowConstructorOptions) => FakeBrowserWindow {
  return class extends FakeBrowserWindow {
    constructor(options: BrowserWindowConstructorOptions) {
      super(options);
      registry.windows.push(this);
      registry.onContentsCreated?.(this.webContents);
    }
  };
}

type InvokeListener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls a channel as ipcRenderer.invoke from `event`'s frame would. */
  invoke(channel: string, event: InvokeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (listener === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return listener(event, ...args);
  }
}

/** An invoke event from a frame of the WebContents with `contentsId`. */
export function invokeEvent(
  contentsId: number,
  frame: Partial<SenderFrame> & { readonly url: string },
): InvokeEvent {
  const origin = frame.origin ?? fallbackOrigin(frame.url);
  return {
    sender: { id: contentsId },
    senderFrame: { url: frame.url, origin, parent: frame.parent ?? null },
  };
}

function fallbackOrigin(url: string): string {
  const parsed = new URL(url);
  return parsed.protocol === 'app:' ? `app://${parsed.host}` : parsed.origin;
}

export interface FakeSafeStorageOptions {
  backend?: string;
  available?: boolean;
}

/** safeStorage with a reversible "encryption" that never leaves the plain text visible. */
export class FakeSafeStorage implements SafeStorageLike {
  backend: string;
  available: boolean;
  reEncryptNext = false;
  failDecrypt = false;
  encryptions = 0;
  constructor(options: FakeSafeStorageOptions = {}) {
    this.backend = options.backend ?? 'gnome_libsecret';
    this.available = options.available ?? true;
  }
  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }
  encryptStringAsync(plainText: string): Promise<Buffer> {
    if (!this.available) return Promise.reject(new Error('encryption unavailable'));
    this.encryptions++;
    const bytes = Buffer.from(plainText, 'utf8').map((byte) => byte ^ 0x5a);
    return Promise.resolve(Buffer.concat([Buffer.from('v11'), bytes]));
  }
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    if (this.failDecrypt || encrypted.subarray(0, 3).toString() !== 'v11') {
      return Promise.reject(new Error('decryption failed'));
    }
    const shouldReEncrypt = this.reEncryptNext;
    this.reEncryptNext = false;
    const result = Buffer.from(encrypted.subarray(3).map((byte) => byte ^ 0x5a)).toString('utf8');
    return Promise.resolve({ result, shouldReEncrypt });
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
}

export class FakeNotification extends EventEmitter implements NotificationLike {
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  lockAvailable = true;
  quitCalls = 0;
  sandboxEnabled = false;
  readonly calls: string[] = [];
  constructor(readonly paths: { userData: string; downloads: string; appData: string }) {
    super();
  }
  setPath(name: 'userData', value: string): void {
    this.calls.push(`setPath:${name}`);
    this.paths[name] = value;
  }
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.lockAvailable;
  }
  quit(): void {
    this.quitCalls++;
  }
  getVersion(): string {
    return '1.2.3';
  }
  getName(): string {
    return 'Accord';
  }
  getPath(name: 'userData' | 'downloads' | 'appData'): string {
    return this.paths[name];
  }
  enableSandbox(): void {
    this.calls.push('enableSandbox');
    this.sandboxEnabled = true;
  }
  whenReady(): Promise<void> {
    this.calls.push('whenReady');
    return Promise.resolve();
  }
}

export interface PermissionHandlers {
  request?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  check?: (contents: unknown, permission: string, requestingOrigin: string) => boolean;
  device?: (details: unknown) => boolean;
}

export interface FakeElectron {
  readonly deps: ShellDeps<FakeBrowserWindow>;
  readonly app: FakeApp;
  readonly windows: FakeBrowserWindow[];
  readonly ipcMain: FakeIpcMain;
  readonly safeStorage: FakeSafeStorage;
  readonly privilegedSchemes: { scheme: string; privileges: object }[];
  readonly protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  readonly permissions: PermissionHandlers;
  readonly opened: string[];
  readonly errors: { title: string; content: string }[];
  readonly menus: MenuItemConstructorOptions[][];
  readonly notifications: FakeNotification[];
  readonly logs: string[];
  saveDialogAnswer: { canceled: boolean; filePath?: string };
  notificationsSupported: boolean;
  /** web-contents-created, as Electron emits it for every new WebContents. */
  readonly allContents: FakeWebContents[];
}

export interface FakeElectronOptions {
  /** A temp folder: userData, downloads and a built renderer live under it. */
  readonly root: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly safeStorage?: FakeSafeStorageOptions;
  /** Write root/renderer/dist/index.html (default true). */
  readonly withRenderer?: boolean;
}

export function createFakeElectron(options: FakeElectronOptions): FakeElectron {
  const userData = path.join(options.root, 'userData');
  const downloads = path.join(options.root, 'downloads');
  mkdirSync(userData, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  if (options.withRenderer ?? true) {
    mkdirSync(path.join(options.root, 'renderer', 'dist'), { recursive: true });
    writeFileSync(
      path.join(options.root, 'renderer', 'dist', 'index.html'),
      '<!doctype html><title>Accord</title>',
    );
  }
  const app = new FakeApp({ userData, downloads, appData: path.join(options.root, 'appData') });
  const registry: FakeWindowRegistry = { windows: [] };
  const allContents: FakeWebContents[] = [];
  registry.onContentsCreated = (contents) => {
    allContents.push(contents);
    app.emit('web-contents-created', {}, contents);
  };
  const ipcMain = new FakeIpcMain();
  const safeStorage = new FakeSafeStorage(options.safeStorage);
  const privilegedSchemes: { scheme: string; privileges: object }[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const permissions: PermissionHandlers = {};
  const fake: FakeElectron = {
    app,
    windows: registry.windows,
    ipcMain,
    safeStorage,
    privilegedSchemes,
    protocolHandlers,
    permissions,
    opened: [],
    errors: [],
    menus: [],
    notifications: [],
    logs: [],
    saveDialogAnswer: { canceled: true },
    notificationsSupported: true,
    allContents,
    deps: {
      app,
      protocol: {
        registerSchemesAsPrivileged: (schemes) => {
          app.calls.push('registerSchemesAsPrivileged');
          privilegedSchemes.push(...schemes);
        },
        handle: (scheme, handler) => {
          protocolHandlers.set(scheme, handler);
        },
      },
      ipcMain,
      safeStorage,
      defaultSession: () => ({
        setPermissionRequestHandler: (handler) => {
          if (handler !== null) permissions.request = handler;
        },
        setPermissionCheckHandler: (handler) => {
          if (handler !== null) permissions.check = handler;
        },
        setDevicePermissionHandler: (handler) => {
          if (handler !== null) permissions.device = handler;
        },
      }),
      BrowserWindow: fakeWindowClass(registry),
      showSaveDialog: () => Promise.resolve(fake.saveDialogAnswer),
      showErrorBox: (title, content) => {
        fake.errors.push({ title, content });
      },
      openExternal: (url) => {
        fake.opened.push(url);
        return Promise.resolve();
      },
      setApplicationMenu: (template) => {
        fake.menus.push(template);
      },
      notifications: {
        isSupported: () => fake.notificationsSupported,
        create: (notification) => {
          const created = new FakeNotification(notification);
          fake.notifications.push(created);
          return created;
        },
      },
      workAreas: () => [{ x: 0, y: 0, width: 1920, height: 1080 }],
      env: options.env ?? {},
      platform: options.platform ?? 'linux',
      distDir: path.join(options.root, 'electron', 'dist'),
      log: (message) => {
        fake.logs.push(message);
      },
    },
  };
  return fake;
}

/** The fake shaped like the `electron` module itself, for `vi.doMock('electron', …)` around main.ts. */
export interface FakeElectronModule {
  readonly app: FakeApp;
  readonly BrowserWindow: ShellDeps<FakeBrowserWindow>['BrowserWindow'];
  readonly ipcMain: FakeIpcMain;
  readonly protocol: ShellDeps<FakeBrowserWindow>['protocol'];
  readonly safeStorage: FakeSafeStorage;
  readonly session: { readonly defaultSession: ReturnType<ShellDeps<FakeBrowserWindow>['defaultSession']> };
  readonly dialog: {
    showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }>;
    showErrorBox(title: string, content: string): void;
  };
  readonly shell: { openExternal(url: string): Promise<void> };
  readonly Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[];
    setApplicationMenu(menu: MenuItemConstructorOptions[]): void;
  };
  readonly Notification: {
    new (options: { title: string; body: string }): FakeNotification;
    isSupported(): boolean;
  };
  readonly screen: { getAllDisplays(): { workArea: Rectangle }[] };
}

export function electronModule(fake: FakeElectron): FakeElectronModule {
  const { deps } = fake;
  return {
    app: fake.app,
    BrowserWindow: deps.BrowserWindow,
    ipcMain: fake.ipcMain,
    protocol: deps.protocol,
    safeStorage: fake.safeStorage,
    session: { defaultSession: deps.defaultSession() },
    dialog: {
      showSaveDialog: (...args) => deps.showSaveDialog(null, args.at(-1) as SaveDialogOptions),
      showErrorBox: deps.showErrorBox,
    },
    shell: { openExternal: deps.openExternal },
    Menu: { buildFromTemplate: (template) => template, setApplicationMenu: deps.setApplicationMenu },
    Notification: class extends FakeNotification {
      static isSupported(): boolean {
        return fake.notificationsSupported;
      }
    },
    screen: { getAllDisplays: () => deps.workAreas().map((workArea) => ({ workArea })) },
  };
}
