// Entry point of the main process: hands Electron's modules to the shell (see start.ts).
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { startShell } from './start.ts';

const log = (message: string) => {
  console.warn(`[accord] ${message}`);
};

const started = startShell({
  app,
  protocol,
  ipcMain,
  safeStorage,
  defaultSession: () => session.defaultSession,
  BrowserWindow,
  showSaveDialog: (window, options) =>
    window === null ? dialog.showSaveDialog(options) : dialog.showSaveDialog(window, options),
  showErrorBox: (title, content) => {
    dialog.showErrorBox(title, content);
  },
  openExternal: (url) => shell.openExternal(url),
  setApplicationMenu: (template) => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  },
  notifications: {
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification({ ...options, urgency: 'critical' }),
  },
  workAreas: () => screen.getAllDisplays().map((display) => display.workArea),
  env: process.env,
  platform: process.platform,
  distDir: import.meta.dirname,
  log,
});

started?.ready.catch((error: unknown) => {
  log(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  app.exit(1);
});
