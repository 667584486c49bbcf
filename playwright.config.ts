// End-to-end suite: Playwright driving Debian's Chromium against a real sync server that serves the
// freshly built renderer (npm run test:e2e builds it first). One worker: the machine has two cores.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Generous per test: the two cores are often shared with other suites; an idle run takes ~3 min.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  forbidOnly: true,
  reporter: [['list']],
  use: { actionTimeout: 30_000, trace: 'retain-on-failure' },
});
