// Playwright fixtures: one sync server per worker, and "devices" — persistent Chromium contexts with
// their own user-data folder, so IndexedDB, the service worker and local storage survive reloads.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.ts';
import { startServer, type E2eServer } from './sync-server.ts';
import { AppPage } from './app-page.ts';

export interface Device {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly app: AppPage;
  setOffline(offline: boolean): Promise<void>;
}

export interface DeviceOptions {
  /**
   * 'block' runs the app without its service worker, so `page.route` sees (and can cut) the
   * app's requests; a worker-controlled page's requests bypass it.
   */
  readonly serviceWorkers?: 'allow' | 'block';
}

export interface Devices {
  open(name: string, viewport?: { width: number; height: number }, options?: DeviceOptions): Promise<Device>;
}

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export const test = base.extend<{ devices: Devices }, { server: E2eServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  devices: async ({ server }, use) => {
    const opened: { context: BrowserContext; dir: string }[] = [];
    await use({
      open: async (name, viewport = { width: 1280, height: 800 }, options = {}) => {
        const dir = await mkdtemp(path.join(os.tmpdir(), `accord-e2e-${name}-`));
        const context = await chromium.launchPersistentContext(dir, {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
          viewport,
          serviceWorkers: options.serviceWorkers ?? 'allow',
        });
        opened.push({ context, dir });
        const page = context.pages()[0] ?? (await context.newPage());
        const app = new AppPage(page, server.url);
        return {
          name,
          context,
          page,
          app,
          setOffline: (offline) => context.setOffline(offline),
        };
      },
    });
    for (const { context, dir } of opened) {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});

export { expect };

/** Fails on serious or critical accessibility violations (axe-core), naming each one. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  expect(serious, `accessibility of ${screen}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
