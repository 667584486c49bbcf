// One running Accord per user: a second launch focuses the existing window and exits.
import type { On } from './events.ts';

/** The part of Electron's app the lock uses. */
export type InstanceApp = On<'second-instance', () => void> & {
  requestSingleInstanceLock(): boolean;
  quit(): void;
};

/** Returns false (and quits) when another instance holds the lock. */
export function claimSingleInstance(app: InstanceApp, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondInstance);
  return true;
}
