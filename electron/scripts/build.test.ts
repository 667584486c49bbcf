// The shell build: a sandbox-loadable CommonJS preload and a self-contained ES module main process.
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from './build.ts';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'accord-electron-build-'));
  await buildElectron(out);
}, 60_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The modules a sandboxed preload may require (Electron's sandboxed renderer polyfills). */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

describe('electron build', () => {
  it('compiles the preload to one CommonJS file that a sandboxed renderer can load', async () => {
    const preload = await readFile(path.join(out, 'preload.cjs'), 'utf8');
    expect(preload.startsWith('"use strict";')).toBe(true);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(SANDBOX_MODULES.has(name ?? ''), name).toBe(true);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).not.toMatch(/zod/i);
  });

  it('bundles the main process into one ES module that imports only Electron and Node.js', async () => {
    const main = await readFile(path.join(out, 'main.js'), 'utf8');
    const imported = [...main.matchAll(/^import\s[^;]*?from\s+["']([^"']+)["']/gms)].map(
      (match) => match[1] ?? '',
    );
    expect(imported).toContain('electron');
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    for (const name of imported) expect(name === 'electron' || builtins.has(name), name).toBe(true);
    expect(main).not.toContain('#shared/');
  });

  it('ships the window icon beside them', async () => {
    expect((await stat(path.join(out, 'icon.png'))).size).toBeGreaterThan(1000);
  });
});
