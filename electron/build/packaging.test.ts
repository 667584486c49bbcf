// Packs the app with electron-builder for real (Linux "dir" target) using a stand-in Electron binary,
// since none can be downloaded here: checks what goes into app.asar and that afterPack set the fuses.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../scripts/build.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
let work: string;
let result: ReturnType<typeof spawnSync>;

/** A project with the real config, hooks and built shell, a stub renderer and a stand-in Electron. */
async function prepare(): Promise<void> {
  const project = path.join(work, 'project');
  await mkdir(path.join(project, 'electron', 'build'), { recursive: true });
  await mkdir(path.join(project, 'renderer', 'dist', 'assets'), { recursive: true });
  for (const file of [
    'package.json',
    'electron-builder.yml',
    'electron/build/hooks.mjs',
    'electron/build/icon.png',
  ]) {
    await copyFile(path.join(repoRoot, file), path.join(project, file));
  }
  await symlink(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  await buildElectron(path.join(project, 'electron', 'dist'));
  await writeFile(
    path.join(project, 'renderer', 'dist', 'index.html'),
    '<!doctype html><title>Accord</title>',
  );
  await writeFile(path.join(project, 'renderer', 'dist', 'assets', 'index.js'), 'export {};');
  await writeFile(path.join(project, 'renderer', 'dist', 'assets', 'index.js.map'), '{}');
  const electronDist = path.join(work, 'electron-dist');
  await mkdir(path.join(electronDist, 'resources'), { recursive: true });
  const wire = Buffer.from([1, 9, ...Buffer.from('111111111')]);
  await writeFile(
    path.join(electronDist, 'electron'),
    Buffer.concat([Buffer.alloc(2048), Buffer.from(SENTINEL), wire]),
  );
  await chmod(path.join(electronDist, 'electron'), 0o755);
  await writeFile(path.join(electronDist, 'LICENSE'), 'MIT');
  await writeFile(path.join(electronDist, 'version'), '45.5.0');
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'accord-packaging-'));
  await prepare();
  result = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'electron-builder', 'cli.js'),
      '--projectDir',
      path.join(work, 'project'),
      '--config',
      'electron-builder.yml',
      '--linux',
      'dir',
      `-c.electronDist=${path.join(work, 'electron-dist')}`,
      `-c.directories.output=${path.join(work, 'out')}`,
      '--publish',
      'never',
    ],
    { encoding: 'utf8', cwd: path.join(work, 'project'), env: { ...process.env, CI: 'true' } },
  );
}, 180_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface AsarFile {
  size: number;
  offset: string;
}
interface AsarDirectory {
  files: Record<string, AsarDirectory | AsarFile>;
}

/** The files inside an asar archive (name → contents), read from its JSON header. */
function asarFiles(archive: Buffer): Map<string, Buffer> {
  const headerLength = archive.readUInt32LE(12);
  const header = JSON.parse(archive.toString('utf8', 16, 16 + headerLength)) as AsarDirectory;
  const contentStart = 8 + archive.readUInt32LE(4);
  const files = new Map<string, Buffer>();
  const walk = (directory: AsarDirectory, prefix: string) => {
    for (const [name, entry] of Object.entries(directory.files)) {
      if ('files' in entry) walk(entry, `${prefix}${name}/`);
      else {
        const start = contentStart + Number(entry.offset);
        files.set(`${prefix}${name}`, archive.subarray(start, start + entry.size));
      }
    }
  };
  walk(header, '');
  return files;
}

describe('packaging (electron-builder, Linux dir target)', () => {
  it('packs the app', () => {
    expect(result.status, `${String(result.stdout)}\n${String(result.stderr)}`).toBe(0);
  });

  it('puts only the built shell and renderer into app.asar: no server code, no node_modules, no source maps', async () => {
    const files = asarFiles(
      await readFile(path.join(work, 'out', 'linux-unpacked', 'resources', 'app.asar')),
    );
    expect([...files.keys()].sort()).toEqual([
      'electron/dist/icon.png',
      'electron/dist/main.js',
      'electron/dist/preload.cjs',
      'package.json',
      'renderer/dist/assets/index.js',
      'renderer/dist/index.html',
    ]);
    const manifest = JSON.parse(String(files.get('package.json'))) as { main?: string; type?: string };
    expect(manifest).toMatchObject({ main: 'electron/dist/main.js', type: 'module' });
  });

  it('sets the fuses on the packaged binary in afterPack', async () => {
    const binary = await readFile(path.join(work, 'out', 'linux-unpacked', 'accord'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    // RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, asar integrity on,
    // only app.asar on, browser V8 snapshot off, file:// privileges off, Wasm trap handlers on.
    expect(binary.toString('latin1', at + 2, at + 11)).toBe('010011001');
  });
});
