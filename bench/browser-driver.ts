// Builds the benchmark page (bench/browser) with Vite and drives it in headless Chromium through
// Playwright. The page measures inside the browser and returns its timings.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'vite';
import {
  PAGE_GLOBAL,
  type BenchPage,
  type DirectorySyncTimes,
  type LocalEditTimes,
} from './browser/protocol.ts';

const PAGE_DIR = path.join(import.meta.dirname, 'browser');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BuiltPage {
  readonly dir: string;
  /** Removes the build, unless it was handed in by BENCH_PAGE_DIR (bench/run.ts builds once for all). */
  dispose(): Promise<void>;
}

/** The built page: BENCH_PAGE_DIR when set, else a fresh build. */
export async function preparePage(): Promise<BuiltPage> {
  const shared = process.env.BENCH_PAGE_DIR;
  if (shared !== undefined) return { dir: shared, dispose: () => Promise.resolve() };
  const dir = await buildBenchPage();
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Builds the page into a fresh temp folder (outside the repository) and returns the folder. */
export async function buildBenchPage(): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'accord-bench-page-'));
  await build({
    configFile: path.join(PAGE_DIR, 'vite.config.ts'),
    root: PAGE_DIR,
    build: { outDir },
    logLevel: 'warn',
  });
  return outDir;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function openBenchPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => {
    process.stderr.write(`[page] ${error.message}\n`);
  });
  await page.goto(url);
  await page.waitForFunction((name) => name in globalThis, PAGE_GLOBAL, { timeout: 30_000 });
  return page;
}

type PageApi = Record<string, BenchPage | undefined>;

export function pageLocalEdit(page: Page, rounds: number, warmUp: number): Promise<LocalEditTimes> {
  return page.evaluate(
    async ([name, r, w]) => {
      const api = (globalThis as unknown as PageApi)[name];
      if (api === undefined) throw new Error('the benchmark page is not ready');
      return api.localEdit(r, w);
    },
    [PAGE_GLOBAL, rounds, warmUp] as const,
  );
}

export function pageDirectorySync(
  page: Page,
  token: string,
  batchSize: number,
  timeoutMs: number,
): Promise<DirectorySyncTimes> {
  return page.evaluate(
    async ([name, t, b, ms]) => {
      const api = (globalThis as unknown as PageApi)[name];
      if (api === undefined) throw new Error('the benchmark page is not ready');
      return api.directorySync(t, b, ms);
    },
    [PAGE_GLOBAL, token, batchSize, timeoutMs] as const,
  );
}
