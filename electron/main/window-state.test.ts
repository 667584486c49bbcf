// Remembered window bounds: restore, off-screen positions, damaged files, saving on move and close.
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SIZE,
  loadWindowState,
  saveWindowState,
  trackWindowState,
  type Rectangle,
  type TrackedWindow,
} from './window-state.ts';

const screen: Rectangle[] = [{ x: 0, y: 0, width: 1920, height: 1080 }];
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-window-state-'));
  file = path.join(dir, 'window-state.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

class Window extends EventEmitter implements TrackedWindow {
  bounds: Rectangle = { x: 100, y: 80, width: 1200, height: 800 };
  maximized = false;
  getNormalBounds(): Rectangle {
    return this.bounds;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
}

describe('window state', () => {
  it('starts with the default size when nothing was saved or the file is damaged', async () => {
    expect(loadWindowState(file, screen)).toEqual({ ...DEFAULT_SIZE, maximized: false });
    await writeFile(file, '{"x": "left"}');
    expect(loadWindowState(file, screen)).toEqual({ ...DEFAULT_SIZE, maximized: false });
    await writeFile(file, 'not json');
    expect(loadWindowState(file, screen)).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it('restores size, position and maximized state', () => {
    saveWindowState(file, { x: 200, y: 100, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({
      x: 200,
      y: 100,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it('keeps the size but not a position that is no longer on any display', () => {
    saveWindowState(file, { x: 3000, y: 100, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    const secondDisplay = [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }];
    expect(loadWindowState(file, secondDisplay)).toMatchObject({ x: 3000, y: 100 });
  });

  it('saves after moves and resizes settle, and on close', async () => {
    vi.useFakeTimers();
    const window = new Window();
    trackWindowState(window, file, () => undefined, 400);
    window.bounds = { x: 10, y: 20, width: 900, height: 600 };
    window.emit('resize');
    window.emit('move');
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    vi.advanceTimersByTime(400);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: false,
    });
    window.maximized = true;
    window.emit('close');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ maximized: true });
  });

  it('logs instead of throwing when the state cannot be written', async () => {
    const logs: string[] = [];
    const blocker = path.join(dir, 'blocker');
    await writeFile(blocker, 'a file where a folder should be');
    const save = trackWindowState(new Window(), path.join(blocker, 'state.json'), (line) => logs.push(line));
    expect(save).not.toThrow();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('could not save the window position');
  });
});
