// Test runner configuration: node-level suites (unit, property, integration) in one run.
import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'sync-server/**/*.test.ts',
      'tests/**/*.test.ts',
      'tests/component/**/*.test.tsx',
      'electron/**/*.test.ts',
    ],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
export default config;
