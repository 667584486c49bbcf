// `npm run test:electron-smoke`: the Playwright Electron smoke test when an Electron binary is
// available (ELECTRON_OVERRIDE_DIST_PATH or a downloaded one); otherwise one line saying it was skipped, and why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildElectron } from '../../electron/scripts/build.ts';
import { findElectronBinary } from '../../electron/scripts/launch.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const binary = findElectronBinary(process.env);

if (!binary.found) {
  console.log(`Electron smoke test skipped: ${binary.reason}.`);
} else if (!existsSync(path.join(repoRoot, 'renderer', 'dist', 'index.html'))) {
  console.error('Electron smoke test cannot run: build the UI first (npm run build:renderer).');
  process.exitCode = 1;
} else {
  await buildElectron();
  const result = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js'),
      'test',
      '--config',
      path.join(import.meta.dirname, 'playwright.config.ts'),
    ],
    { stdio: 'inherit', cwd: repoRoot },
  );
  process.exitCode = result.status ?? 1;
}
