// The entry point with the `electron` module mocked: it hands Electron's modules to the shell, which
// takes the single-instance lock first and quits when another instance holds it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeElectron, electronModule } from '../testing/fake-electron.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'accord-main-'));
});
afterEach(async () => {
  vi.doUnmock('electron');
  await rm(root, { recursive: true, force: true });
});

/** Runs main.ts once against a fresh fake `electron` module. */
async function runMain(lockAvailable: boolean) {
  const fake = createFakeElectron({ root, withRenderer: false });
  fake.app.lockAvailable = lockAvailable;
  vi.resetModules();
  vi.doMock('electron', () => electronModule(fake));
  await import('./main.ts');
  await new Promise((resolve) => setImmediate(resolve));
  return fake;
}

describe('main.ts', () => {
  it('quits at once when another instance is running', async () => {
    const fake = await runMain(false);
    expect(fake.app.calls).toContain('requestSingleInstanceLock');
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.app.calls).not.toContain('whenReady');
    expect(fake.windows).toEqual([]);
  });

  it('otherwise starts the shell: sandbox for every renderer, app:// registered, then waits for ready', async () => {
    const fake = await runMain(true);
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.privilegedSchemes.map((scheme) => scheme.scheme)).toEqual(['app']);
    expect(fake.app.calls).toContain('whenReady');
    // main.ts finds renderer/dist beside its own folder: built, the bridge is registered; not yet
    // built (a fresh checkout), the user is told which command builds it.
    expect(fake.ipcMain.handlers.size > 0 || fake.errors.length > 0).toBe(true);
  });
});
