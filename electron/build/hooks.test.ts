// The electron-builder hooks: no node_modules packed, and the fuses flipped on a stand-in binary.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FuseState, FuseV1Options } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterPack, beforeBuild, electronBinaryPath, FUSES } from './hooks.mjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const WIRE_LENGTH = 9;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-fuses-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for the Electron binary: some bytes, the fuse sentinel, version 1, and a wire of `state`. */
async function fakeBinary(file: string, state: number): Promise<void> {
  const wire = Buffer.from([1, WIRE_LENGTH, ...Array<number>(WIRE_LENGTH).fill(state)]);
  await writeFile(
    file,
    Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), wire, Buffer.alloc(128)]),
  );
}

async function wireOf(file: string): Promise<number[]> {
  const bytes = await readFile(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return [...bytes.subarray(at, at + WIRE_LENGTH)];
}

const linuxContext = (appOutDir: string) => ({
  appOutDir,
  electronPlatformName: 'linux',
  arch: 1,
  packager: { appInfo: { productFilename: 'Accord' }, executableName: 'accord' },
});

describe('electron-builder hooks', () => {
  it('packs no node_modules: beforeBuild tells electron-builder they are handled elsewhere', async () => {
    expect(await beforeBuild()).toBe(false);
  });

  it('finds the packaged binary on each platform', () => {
    const packager = { appInfo: { productFilename: 'Accord' }, executableName: 'accord' };
    expect(electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'linux', arch: 1, packager })).toBe(
      path.join('/out', 'accord'),
    );
    expect(electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'win32', arch: 1, packager })).toBe(
      path.join('/out', 'Accord.exe'),
    );
    expect(electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'darwin', arch: 3, packager })).toBe(
      path.join('/out', 'Accord.app'),
    );
    expect(() =>
      electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'aix', arch: 1, packager }),
    ).toThrow();
  });

  it('turns the risky fuses off and the integrity fuses on, in the packaged binary', async () => {
    const binary = path.join(dir, 'accord');
    await fakeBinary(binary, FuseState.ENABLE);
    await afterPack(linuxContext(dir));
    const wire = await wireOf(binary);
    const state = (option: FuseV1Options) => wire[option];
    expect(state(FuseV1Options.RunAsNode)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(FuseState.DISABLE);
  });

  it('sets every fuse explicitly', () => {
    const options = Object.values(FuseV1Options).filter((value) => typeof value === 'number');
    expect(options).toHaveLength(WIRE_LENGTH);
    for (const option of options) expect(typeof FUSES[option]).toBe('boolean');
    expect(FUSES.strictlyRequireAllFuses).toBe(true);
  });

  it('fails the build when the binary has no fuse wire', async () => {
    await writeFile(path.join(dir, 'accord'), Buffer.alloc(1024));
    await expect(afterPack(linuxContext(dir))).rejects.toThrow(/sentinel/);
  });
});
