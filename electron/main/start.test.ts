// The whole shell against a fake Electron: start-up order, the window, guards and the bridge end to end.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFakeElectron,
  invokeEvent,
  type FakeElectron,
  type FakeElectronOptions,
} from '../testing/fake-electron.ts';
import { NO_KEYRING_REASON } from './credentials.ts';
import { DEVELOPMENT_DATA_FOLDER, startShell } from './start.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'accord-shell-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function start(options: Omit<FakeElectronOptions, 'root'> = {}) {
  const electron = createFakeElectron({ root, ...options });
  const shell = startShell(electron.deps);
  await shell?.ready;
  return { electron, shell };
}

function mainWindow(electron: FakeElectron) {
  const window = electron.windows[0];
  if (window === undefined) throw new Error('no window was created');
  return window;
}

/** A call through the bridge from the main window's top frame. */
function fromApp(electron: FakeElectron, channel: string, request: unknown) {
  const window = mainWindow(electron);
  return electron.ipcMain.invoke(
    channel,
    invokeEvent(window.webContents.id, { url: window.webContents.getURL() }),
    request,
  );
}

describe('start-up', () => {
  it('takes the single-instance lock, sandboxes every renderer and registers app:// before ready', async () => {
    const { electron } = await start();
    expect(electron.app.calls).toEqual([
      'setPath:userData',
      'requestSingleInstanceLock',
      'enableSandbox',
      'registerSchemesAsPrivileged',
      'whenReady',
    ]);
    expect(electron.privilegedSchemes.map((scheme) => scheme.scheme)).toEqual(['app']);
  });

  it('keeps the data of unpackaged runs in their own folder', async () => {
    const { electron } = await start();
    expect(electron.app.getPath('userData')).toBe(path.join(root, 'appData', DEVELOPMENT_DATA_FOLDER));
    const packaged = createFakeElectron({ root });
    packaged.app.isPackaged = true;
    await startShell(packaged.deps)?.ready;
    expect(packaged.app.getPath('userData')).toBe(path.join(root, 'userData'));
    expect(packaged.app.calls).not.toContain('setPath:userData');
  });

  it('takes the data folder of an unpackaged run from ACCORD_USER_DATA, never in a packaged app', async () => {
    const folder = path.join(root, 'elsewhere');
    const { electron } = await start({ env: { ACCORD_USER_DATA: folder } });
    expect(electron.app.getPath('userData')).toBe(folder);
    const packaged = createFakeElectron({ root, env: { ACCORD_USER_DATA: folder } });
    packaged.app.isPackaged = true;
    await startShell(packaged.deps)?.ready;
    expect(packaged.app.getPath('userData')).toBe(path.join(root, 'userData'));
  });

  it('opens one locked-down window on app://accord/ with the compiled preload', async () => {
    const { electron, shell } = await start();
    expect(electron.windows).toHaveLength(1);
    const window = mainWindow(electron);
    expect(shell?.mainWindow()).toBe(window);
    expect(window.loadedUrl).toBe('app://accord/');
    expect(window.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(root, 'electron', 'dist', 'preload.cjs'),
    });
    expect(electron.menus).toHaveLength(1);
  });

  it('serves the renderer over app:// with a CSP that allows the sync server', async () => {
    const { electron } = await start({ env: { SYNC_URL: 'https://sync.example.com/' } });
    const handler = electron.protocolHandlers.get('app');
    if (handler === undefined) throw new Error('app:// is not handled');
    const response = await handler(new Request('app://accord/'));
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://sync.example.com");
  });

  it('guards the window: navigation and window.open are denied, permissions too', async () => {
    const { electron } = await start();
    const contents = mainWindow(electron).webContents;
    expect(electron.allContents).toEqual([contents]);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.openWindow('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(contents.openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.opened).toEqual(['https://evil.example/', 'https://example.com/docs']);
    let granted: boolean | undefined;
    electron.permissions.request?.(contents, 'media', (answer) => (granted = answer));
    expect(granted).toBe(false);
  });

  it('quits when another instance is running, without opening a window', async () => {
    const electron = createFakeElectron({ root });
    electron.app.lockAvailable = false;
    expect(startShell(electron.deps)).toBeNull();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.app.calls).toEqual(['setPath:userData', 'requestSingleInstanceLock']);
    await Promise.resolve();
    expect(electron.windows).toEqual([]);
  });

  it('focuses the window when a second instance starts', async () => {
    const { electron } = await start();
    const window = mainWindow(electron);
    window.minimized = true;
    electron.app.emit('second-instance', {}, [], root);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });

  it('quits when the window closes, except on macOS where the dock reopens it', async () => {
    const linux = await start();
    mainWindow(linux.electron).close();
    linux.electron.app.emit('window-all-closed');
    expect(linux.electron.app.quitCalls).toBe(1);
    expect(linux.shell?.mainWindow()).toBeNull();

    const mac = await start({ platform: 'darwin' });
    mainWindow(mac.electron).close();
    mac.electron.app.emit('window-all-closed');
    expect(mac.electron.app.quitCalls).toBe(0);
    mac.electron.app.emit('activate');
    expect(mac.electron.windows).toHaveLength(2);
  });

  it('loads the dev server only in unpackaged runs', async () => {
    const dev = await start({ env: { ACCORD_DEV_SERVER_URL: 'http://localhost:5173' } });
    expect(mainWindow(dev.electron).loadedUrl).toBe('http://localhost:5173/');
    expect(await fromApp(dev.electron, 'app:info', {})).toMatchObject({ ok: true });
  });

  it('ignores a dev server URL in a packaged app', async () => {
    const electron = createFakeElectron({ root, env: { ACCORD_DEV_SERVER_URL: 'http://localhost:5173' } });
    electron.app.isPackaged = true;
    await startShell(electron.deps)?.ready;
    expect(mainWindow(electron).loadedUrl).toBe('app://accord/');
  });

  it('explains a bad SYNC_URL in a dialog and quits', async () => {
    const electron = createFakeElectron({ root, env: { SYNC_URL: 'ftp://example.com' } });
    expect(startShell(electron.deps)).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.errors[0]?.content).toContain('SYNC_URL');
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toEqual([]);
  });

  it('explains missing renderer files and quits', async () => {
    const { electron } = await start({ withRenderer: false });
    expect(electron.errors[0]?.content).toContain('npm run build:renderer');
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toEqual([]);
  });
});

describe('the bridge, end to end', () => {
  it('reports the app and its sync server', async () => {
    const { electron } = await start({ env: { SYNC_URL: 'http://127.0.0.1:9999/' } });
    expect(await fromApp(electron, 'app:info', {})).toEqual({
      ok: true,
      value: { version: '1.2.3', platform: 'linux', shell: 'electron', syncUrl: 'http://127.0.0.1:9999' },
    });
  });

  it('defaults to the local sync server', async () => {
    const { electron } = await start();
    expect(await fromApp(electron, 'app:info', {})).toMatchObject({
      value: { syncUrl: 'http://127.0.0.1:8787' },
    });
  });

  it('refuses a call from a frame that is not the main window', async () => {
    const { electron } = await start();
    const event = invokeEvent(mainWindow(electron).webContents.id, { url: 'app://accord/', parent: {} });
    expect(await electron.ipcMain.invoke('credentials:get', event, { key: 'refresh' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });

  it('keeps secrets for the session only without a keyring, and says why', async () => {
    const { electron } = await start({ safeStorage: { backend: 'basic_text' } });
    expect(await fromApp(electron, 'credentials:status', {})).toEqual({
      ok: true,
      value: { persistent: false, backend: 'basic_text', reason: NO_KEYRING_REASON },
    });
    expect(await fromApp(electron, 'credentials:set', { key: 'refresh', secret: 'rft_secret' })).toEqual({
      ok: true,
      value: { persisted: false },
    });
    expect(await fromApp(electron, 'credentials:get', { key: 'refresh' })).toEqual({
      ok: true,
      value: { secret: 'rft_secret' },
    });
    expect(existsSync(path.join(electron.app.getPath('userData'), 'credentials.json'))).toBe(false);
  });

  it('stores secrets encrypted under userData with a keyring', async () => {
    const { electron } = await start();
    expect(await fromApp(electron, 'credentials:set', { key: 'refresh', secret: 'rft_secret' })).toEqual({
      ok: true,
      value: { persisted: true },
    });
    const file = await readFile(path.join(electron.app.getPath('userData'), 'credentials.json'), 'utf8');
    expect(file).not.toContain('rft_secret');
  });

  it('saves an export through the dialog in chunks, and aborts open files when the window closes', async () => {
    const { electron } = await start();
    const target = path.join(root, 'downloads', 'accord.json');
    electron.saveDialogAnswer = { canceled: false, filePath: target };
    const opened = await fromApp(electron, 'file:save-dialog', { suggestedName: 'accord.json', filters: [] });
    if (typeof opened !== 'object' || opened === null || !('value' in opened)) throw new Error('no handle');
    const { handle } = opened.value as { handle: string };
    await fromApp(electron, 'file:write', { handle, chunk: new TextEncoder().encode('{"a":') });
    await fromApp(electron, 'file:write', { handle, chunk: new TextEncoder().encode('1}') });
    expect(await fromApp(electron, 'file:close', { handle, abort: false })).toEqual({
      ok: true,
      value: { path: target },
    });
    expect(await readFile(target, 'utf8')).toBe('{"a":1}');

    const second = await fromApp(electron, 'file:save-dialog', { suggestedName: 'b.json', filters: [] });
    expect(second).toMatchObject({ ok: true });
    mainWindow(electron).close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await readdir(path.join(root, 'downloads'))).toEqual(['accord.json']);
  });

  it('opens validated links in the OS browser and refuses other schemes', async () => {
    const { electron } = await start();
    expect(await fromApp(electron, 'shell:open-external', { url: 'https://example.com/privacy' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://accord/']) {
      expect(await fromApp(electron, 'shell:open-external', { url })).toEqual({
        ok: true,
        value: { opened: false },
      });
    }
    expect(electron.opened).toEqual(['https://example.com/privacy']);
  });

  it('shows security alerts as OS notifications that focus the app', async () => {
    const { electron } = await start();
    expect(
      await fromApp(electron, 'notify:security-alert', { title: 'New sign-in', body: 'From Linux' }),
    ).toEqual({
      ok: true,
      value: { shown: true },
    });
    mainWindow(electron).minimized = true;
    electron.notifications[0]?.emit('click');
    expect(mainWindow(electron).minimized).toBe(false);
  });
});
