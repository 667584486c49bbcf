// The desktop half of `npm start`: find an Electron binary without downloading one, build the shell
// if needed and start it against the sync server — or, with no binary, point to the same UI in a browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildElectron } from './build.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export type ElectronBinary =
  { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

/** The electron npm package's folder, found without running its index.js (which would try to download). */
export function electronPackageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

/**
 * Where the Electron binary is, by the rules of the electron package's own index.js
 * (ELECTRON_OVERRIDE_DIST_PATH, else node_modules/electron/dist/<path.txt>), but only checking.
 */
export function findElectronBinary(
  env: NodeJS.ProcessEnv,
  packageDir = electronPackageDir(),
): ElectronBinary {
  const pathFile = path.join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const candidate = path.join(override, executable === '' ? 'electron' : executable);
    return existsSync(candidate)
      ? { found: true, path: candidate }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${candidate} does not exist` };
  }
  if (executable !== '') {
    const candidate = path.join(packageDir, 'dist', executable);
    if (existsSync(candidate)) return { found: true, path: candidate };
  }
  return {
    found: false,
    reason:
      'the electron package has no binary (node_modules/electron/dist is missing: its download failed or was blocked); ' +
      'set ELECTRON_OVERRIDE_DIST_PATH to the folder of a local Electron build to start the desktop app',
  };
}

export interface DesktopOptions {
  /** The sync server the app talks to. */
  readonly syncUrl: string;
  /** Called when the desktop app exits (stops the local server); default: exit with its code. */
  readonly onExit?: (code: number) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts the desktop app, or explains how to use the browser build; returns the Electron process if any. */
export async function startDesktop(options: DesktopOptions): Promise<ChildProcess | null> {
  const env = options.env ?? process.env;
  const rendererBuilt = existsSync(path.join(repoRoot, 'renderer', 'dist', 'index.html'));
  const binary = findElectronBinary(env);
  if (!binary.found) {
    console.log(`\nThe desktop app was not started: ${binary.reason}.`);
    console.log(
      rendererBuilt
        ? `Use Accord in a browser instead: ${options.syncUrl}/ (the sync server serves the same UI).\n`
        : `The UI is not built yet; run "npm run build:renderer", then open ${options.syncUrl}/ in a browser.\n`,
    );
    return null;
  }
  const devServer = env.ACCORD_DEV_SERVER_URL ?? '';
  if (!rendererBuilt && devServer === '') {
    console.log(
      '\nThe desktop app was not started: the UI is not built yet (run "npm run build:renderer").\n',
    );
    return null;
  }
  // Always rebuilt (esbuild takes about a second), so a stale electron/dist never runs.
  await buildElectron();
  const childEnv: NodeJS.ProcessEnv = { ...env, SYNC_URL: options.syncUrl };
  delete childEnv.ELECTRON_RUN_AS_NODE;
  console.log(`Starting the desktop app (${binary.path}) against ${options.syncUrl}`);
  const electron = spawn(binary.path, [path.join(repoRoot, 'electron', 'dist', 'main.js')], {
    stdio: 'inherit',
    env: childEnv,
  });
  electron.on('exit', (code) => {
    const exitCode = code ?? 0;
    if (options.onExit) options.onExit(exitCode);
    else process.exit(exitCode);
  });
  return electron;
}

/** Resolves when GET url/readyz answers 200, or rejects after `timeoutMs`. */
export async function waitForServer(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the sync server at ${url} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
