// Saving exports: a save dialog, then the renderer streams chunks to an opaque handle. Data goes to a
// hidden partial file beside the target and is renamed into place on close, or deleted on abort.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { IpcHandlerError } from './ipc.ts';

export interface SaveDialogOptions {
  readonly defaultPath: string;
  readonly filters: { name: string; extensions: string[] }[];
}

/** Electron's dialog.showSaveDialog bound to the main window. */
export type ShowSaveDialog = (
  options: SaveDialogOptions,
) => Promise<{ canceled: boolean; filePath?: string }>;

export interface FileSaverOptions {
  readonly showSaveDialog: ShowSaveDialog;
  /** Where the dialog starts (the user's Downloads folder). */
  readonly defaultDirectory: string;
  /** Most files open at once. */
  readonly maxOpenFiles?: number;
  /** Largest file, in bytes. */
  readonly maxFileBytes?: number;
}

export interface FileSaver {
  saveDialog(request: {
    suggestedName: string;
    filters: { name: string; extensions: string[] }[];
  }): Promise<string | null>;
  /** Appends a chunk; returns the bytes written by this call (the chunk's length, as the web build does). */
  write(handle: string, chunk: Uint8Array): Promise<number>;
  /** Finishes (renames into place, returns the path) or aborts (deletes, returns null). */
  close(handle: string, abort: boolean): Promise<string | null>;
  /** Aborts every open file (the window closed or the app quits). */
  abortAll(): Promise<void>;
  openCount(): number;
}

interface OpenFile {
  readonly target: string;
  readonly partial: string;
  readonly file: FileHandle;
  written: number;
  /** Writes and the close run in order. */
  queue: Promise<unknown>;
  closing: boolean;
  /** A write failed: the file is incomplete and can only be aborted. */
  failed: boolean;
}

/** A file name the user can keep: no folders, no control characters or ones Windows reserves. */
export function safeFileName(suggested: string): string {
  const base = suggested.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/\p{Cc}|[<>:"|?*]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : 'accord-export';
}

export function createFileSaver(options: FileSaverOptions): FileSaver {
  const maxOpen = options.maxOpenFiles ?? 4;
  const maxBytes = options.maxFileBytes ?? 2 * 1024 ** 3;
  const files = new Map<string, OpenFile>();

  const lookup = (handle: string): OpenFile => {
    const entry = files.get(handle);
    if (entry === undefined || entry.closing) {
      throw new IpcHandlerError('not-found', 'This file is not open (it was closed or aborted).');
    }
    return entry;
  };

  const enqueue = <T>(entry: OpenFile, work: () => Promise<T>): Promise<T> => {
    const next = entry.queue.then(work);
    entry.queue = next.catch(() => undefined);
    return next;
  };

  const discard = async (entry: OpenFile) => {
    await entry.file.close().catch(() => undefined);
    await rm(entry.partial, { force: true });
  };

  return {
    async saveDialog(request) {
      if (files.size >= maxOpen) {
        throw new IpcHandlerError('conflict', 'Too many files are being saved at once.');
      }
      const result = await options.showSaveDialog({
        defaultPath: path.join(options.defaultDirectory, safeFileName(request.suggestedName)),
        filters: request.filters.map((filter) => ({ name: filter.name, extensions: [...filter.extensions] })),
      });
      if (result.canceled || result.filePath === undefined || result.filePath === '') return null;
      const target = path.resolve(result.filePath);
      const handle = `file_${randomBytes(18).toString('base64url')}`;
      const partial = path.join(
        path.dirname(target),
        `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`,
      );
      let file: FileHandle;
      try {
        file = await open(partial, 'wx', 0o600);
      } catch (error) {
        throw new IpcHandlerError('io-error', `Could not create the file: ${String(error)}`);
      }
      files.set(handle, {
        target,
        partial,
        file,
        written: 0,
        queue: Promise.resolve(),
        closing: false,
        failed: false,
      });
      return handle;
    },

    async write(handle, chunk) {
      const entry = lookup(handle);
      return enqueue(entry, async () => {
        if (entry.failed) throw new IpcHandlerError('conflict', 'An earlier write failed; abort this file.');
        if (entry.written + chunk.byteLength > maxBytes) {
          entry.failed = true;
          throw new IpcHandlerError('too-large', 'The file is larger than the desktop app allows.');
        }
        try {
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await entry.file.write(chunk, offset, chunk.byteLength - offset);
            offset += bytesWritten;
          }
        } catch (error) {
          entry.failed = true;
          throw new IpcHandlerError('io-error', `Could not write the file: ${String(error)}`);
        }
        entry.written += chunk.byteLength;
        return chunk.byteLength;
      });
    },

    async close(handle, abort) {
      const entry = lookup(handle);
      entry.closing = true;
      return enqueue(entry, async () => {
        files.delete(handle);
        if (abort || entry.failed) {
          await discard(entry);
          if (abort) return null;
          throw new IpcHandlerError('io-error', 'The file was incomplete and has been removed.');
        }
        try {
          await entry.file.sync();
          await entry.file.close();
          await rename(entry.partial, entry.target);
        } catch (error) {
          await discard(entry);
          throw new IpcHandlerError('io-error', `Could not finish the file: ${String(error)}`);
        }
        return entry.target;
      });
    },

    async abortAll() {
      const open = [...files.entries()];
      files.clear();
      await Promise.all(
        open.map(async ([, entry]) => {
          entry.closing = true;
          await entry.queue;
          await discard(entry);
        }),
      );
    },

    openCount: () => files.size,
  };
}
