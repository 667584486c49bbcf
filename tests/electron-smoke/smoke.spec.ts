// The desktop app end to end: launch Electron on electron/dist against a real sync server, sign in,
// edit the profile, and see the edit reach the server. Skipped (with the reason) without a binary.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { BRIDGE_GLOBAL, ipcChannels } from '#shared/contract/ipc';
import { findElectronBinary } from '../../electron/scripts/launch.ts';

const binary = findElectronBinary(process.env);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

test.skip(!binary.found, binary.found ? '' : `Electron smoke test skipped: ${binary.reason}`);

test('signs in and edits the profile in the desktop app', async () => {
  if (!binary.found) return;
  // Loaded here, not at the top: a skipped run needs neither the server nor its native modules.
  const { startTestServer } = await import('../helpers/server.ts');
  const { pullOwn } = await import('../helpers/owner-api.ts');
  const server = await startTestServer();
  const userData = await mkdtemp(path.join(os.tmpdir(), 'accord-smoke-'));
  try {
    const user = await server.createUser('smoke');
    const app = await _electron.launch({
      executablePath: binary.path,
      args: [path.join(repoRoot, 'electron', 'dist', 'main.js')],
      cwd: repoRoot,
      env: { ...process.env, SYNC_URL: server.url, ACCORD_USER_DATA: userData },
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toMatch(/^app:\/\/accord\//);
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      // The sandboxed preload loaded and exposed exactly the contract's channels.
      const exposed = await page.evaluate(
        (name) => Object.keys((Reflect.get(globalThis, name) as object | undefined) ?? {}),
        BRIDGE_GLOBAL,
      );
      expect(exposed.sort()).toEqual(Object.keys(ipcChannels).sort());

      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      const personal = page.getByRole('form', { name: 'Personal information' });
      await personal.getByLabel('Display name').fill('Smoke Tested');
      await personal.getByRole('button', { name: 'Save' }).click();

      await expect
        .poll(
          async () => (await pullOwn({ baseUrl: server.url, token: user.token }, 'profiles')).displayName,
          {
            timeout: 30_000,
          },
        )
        .toBe('Smoke Tested');
    } finally {
      await app.close();
    }
  } finally {
    await server.stop();
    await rm(userData, { recursive: true, force: true });
  }
});
