// The main window's web preferences, and opening, restoring and focusing it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeWindowClass, type FakeWindowRegistry } from '../testing/fake-electron.ts';
import { createMainBrowserWindow, focusWindow, openMainWindow } from './window.ts';
import { saveWindowState } from './window-state.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-window-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('main window options', () => {
  const registry: FakeWindowRegistry = { windows: [] };
  const window = createMainBrowserWindow(fakeWindowClass(registry), {
    preloadPath: '/app/electron/dist/preload.cjs',
    bounds: { width: 1100, height: 760 },
  });
  const prefs = window.options.webPreferences ?? {};

  it('sandboxes the renderer with context isolation and no Node.js', () => {
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and risky features off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('loads only the compiled preload, and starts hidden until the page is ready', () => {
    expect(prefs.preload).toBe('/app/electron/dist/preload.cjs');
    expect(window.options.show).toBe(false);
    expect(window.options.title).toBe('Accord');
    expect(window.options.minWidth).toBeGreaterThan(0);
  });
});

describe('opening the main window', () => {
  const open = (entryUrl = 'app://accord/') => {
    const registry: FakeWindowRegistry = { windows: [] };
    const logs: string[] = [];
    const opened = openMainWindow({
      BrowserWindow: fakeWindowClass(registry),
      preloadPath: '/p.cjs',
      stateFile: path.join(dir, 'window-state.json'),
      workAreas: [{ x: 0, y: 0, width: 1920, height: 1080 }],
      entryUrl,
      log: (line) => logs.push(line),
    });
    return { ...opened, logs };
  };

  it('loads the app and shows the window once it has painted', () => {
    const { window } = open();
    expect(window.loadedUrl).toBe('app://accord/');
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
    expect(window.maximized).toBe(false);
  });

  it('comes back where it was left, maximized if it was', () => {
    saveWindowState(path.join(dir, 'window-state.json'), {
      x: 40,
      y: 50,
      width: 900,
      height: 650,
      maximized: true,
    });
    const { window } = open();
    expect(window.options).toMatchObject({ x: 40, y: 50, width: 900, height: 650 });
    window.emit('ready-to-show');
    expect(window.maximized).toBe(true);
  });

  it('remembers the bounds when it closes', () => {
    const { window, saveState } = open();
    window.bounds = { x: 5, y: 6, width: 700, height: 500 };
    window.close();
    saveState();
    const again = open().window;
    expect(again.options).toMatchObject({ x: 5, y: 6, width: 700, height: 500 });
  });

  it('can load the dev server instead', () => {
    expect(open('http://localhost:5173/').window.loadedUrl).toBe('http://localhost:5173/');
  });

  it('focuses a minimized window and ignores a destroyed one', () => {
    const { window } = open();
    window.minimized = true;
    focusWindow(window);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
    window.focused = false;
    window.destroyed = true;
    focusWindow(window);
    expect(window.focused).toBe(false);
    expect(() => {
      focusWindow(null);
    }).not.toThrow();
  });
});
