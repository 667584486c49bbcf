// Builds the shell into electron/dist: the main process as one ES module, the preload as one
// CommonJS file (a sandboxed preload cannot load ES modules or other files), and the window icon.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const electronDir = path.resolve(import.meta.dirname, '..');

/** Electron 45 runs Node.js 22 in the main process and Chromium 140 in the preload. */
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  external: ['electron'],
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: path.resolve(electronDir, '..'),
};

export async function buildElectron(outDir = path.join(electronDir, 'dist')): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    ...common,
    entryPoints: [path.join(electronDir, 'main', 'main.ts')],
    format: 'esm',
    outfile: path.join(outDir, 'main.js'),
  });
  await build({
    ...common,
    entryPoints: [path.join(electronDir, 'preload', 'preload.ts')],
    format: 'cjs',
    outfile: path.join(outDir, 'preload.cjs'),
  });
  await copyFile(path.join(electronDir, 'build', 'icon.png'), path.join(outDir, 'icon.png'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildElectron();
  console.log(
    `Built the Electron shell into ${path.relative(process.cwd(), path.join(electronDir, 'dist'))}/`,
  );
}
