// Playwright configuration of the Electron smoke test (run through run.ts, which skips it without a binary).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/electron-smoke',
});
