// Finding an Electron binary the way the electron package does, without downloading one.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronPackageDir, findElectronBinary } from './launch.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-launch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('finding the Electron binary without downloading', () => {
  it('locates the installed electron package', () => {
    expect(path.basename(electronPackageDir())).toBe('electron');
  });

  it('reports a package without a binary, and how to supply one', () => {
    const result = findElectronBinary({}, dir);
    expect(result.found).toBe(false);
    if (!result.found) expect(result.reason).toContain('ELECTRON_OVERRIDE_DIST_PATH');
  });

  it('uses the binary the package downloaded', async () => {
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary({}, dir).found).toBe(false);
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist', 'electron'), '');
    expect(findElectronBinary({}, dir)).toEqual({ found: true, path: path.join(dir, 'dist', 'electron') });
  });

  it('prefers ELECTRON_OVERRIDE_DIST_PATH, as the electron package does', async () => {
    const local = path.join(dir, 'local-build');
    await mkdir(local);
    await writeFile(path.join(dir, 'path.txt'), 'Electron.app/Contents/MacOS/Electron');
    const missing = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: local }, dir);
    expect(missing).toMatchObject({ found: false });
    if (!missing.found)
      expect(missing.reason).toContain(path.join(local, 'Electron.app/Contents/MacOS/Electron'));
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    await writeFile(path.join(local, 'electron'), '');
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: local }, dir)).toEqual({
      found: true,
      path: path.join(local, 'electron'),
    });
  });
});
