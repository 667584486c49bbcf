// Remembers the main window's size, position and maximized state between runs (a small JSON file
// under userData), and only restores a position that is still on a connected display.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { On } from './events.ts';

export interface Rectangle {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const StoredWindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(150).max(100_000),
  maximized: z.boolean(),
});
export type StoredWindowState = z.infer<typeof StoredWindowState>;

export const DEFAULT_SIZE = { width: 1100, height: 760 } as const;
export const MIN_SIZE = { width: 480, height: 400 } as const;
/** How much of the window (at least its title bar) must lie on a display to restore the position. */
const VISIBLE_MARGIN = { width: 120, height: 40 } as const;

/** The initial bounds: the stored ones when they are still visible, else the default size, centered. */
export type InitialBounds =
  | { readonly width: number; readonly height: number; readonly maximized: boolean }
  | (Rectangle & { readonly maximized: boolean });

export function loadWindowState(file: string, workAreas: readonly Rectangle[]): InitialBounds {
  let stored: StoredWindowState;
  try {
    const parsed = StoredWindowState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return { ...DEFAULT_SIZE, maximized: false };
    stored = parsed.data;
  } catch {
    return { ...DEFAULT_SIZE, maximized: false };
  }
  const size = {
    width: Math.max(stored.width, MIN_SIZE.width),
    height: Math.max(stored.height, MIN_SIZE.height),
  };
  const bounds = { x: stored.x, y: stored.y, ...size };
  if (workAreas.some((area) => overlaps(bounds, area))) return { ...bounds, maximized: stored.maximized };
  return { ...size, maximized: stored.maximized };
}

function overlaps(window: Rectangle, area: Rectangle): boolean {
  const width = Math.min(window.x + window.width, area.x + area.width) - Math.max(window.x, area.x);
  const height = Math.min(window.y + window.height, area.y + area.height) - Math.max(window.y, area.y);
  return width >= VISIBLE_MARGIN.width && height >= VISIBLE_MARGIN.height && window.y >= area.y - 10;
}

export function saveWindowState(file: string, state: StoredWindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(StoredWindowState.parse(state))}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The window operations the tracker needs (Electron's BrowserWindow satisfies it). */
export type TrackedWindow = On<'resize', () => void> &
  On<'move', () => void> &
  On<'maximize', () => void> &
  On<'unmaximize', () => void> &
  On<'close', () => void> & {
    getNormalBounds(): Rectangle;
    isMaximized(): boolean;
  };

/**
 * Saves the window's state shortly after it stops moving or resizing, and once more when it closes.
 * Returns a function that saves immediately (used on quit).
 */
export function trackWindowState(
  window: TrackedWindow,
  file: string,
  log: (message: string) => void,
  debounceMs = 400,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const bounds = window.getNormalBounds();
    try {
      saveWindowState(file, {
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.round(bounds.width),
        height: Math.round(bounds.height),
        maximized: window.isMaximized(),
      });
    } catch (error) {
      log(`could not save the window position: ${String(error)}`);
    }
  };
  const later = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
  return save;
}
