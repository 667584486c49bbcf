// Save-file channels for the browser: the File System Access API when the browser has it, else the
// chunks are collected and handed over as a Blob download. Both keep the handle/write/close protocol.
import type { AccordBridge, IpcResult } from '#shared/contract/ipc';

type SaveChannels = Pick<AccordBridge, 'file:save-dialog' | 'file:write' | 'file:close'>;

interface PickerWindow {
  showSaveFilePicker?: (options: {
    suggestedName: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }) => Promise<FileSystemFileHandle>;
}

interface OpenFile {
  readonly name: string;
  readonly writable: FileSystemWritableFileStream | undefined;
  readonly chunks: Uint8Array<ArrayBuffer>[];
  bytes: number;
}

function newHandle(): string {
  const random = new Uint8Array(12);
  crypto.getRandomValues(random);
  return `file_${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function failure<T>(code: string, message: string): IpcResult<T> {
  return { ok: false, error: { code, message } };
}

function download(name: string, chunks: Uint8Array<ArrayBuffer>[]): void {
  const url = URL.createObjectURL(new Blob(chunks));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

export function saveFileChannels(): SaveChannels {
  const open = new Map<string, OpenFile>();
  return {
    'file:save-dialog': async ({ suggestedName, filters }) => {
      const picker = (window as PickerWindow).showSaveFilePicker;
      let writable: FileSystemWritableFileStream | undefined;
      if (picker !== undefined) {
        try {
          const file = await picker({
            suggestedName,
            types: filters.map((filter) => ({
              description: filter.name,
              accept: { 'application/octet-stream': filter.extensions.map((ext) => `.${ext}`) },
            })),
          });
          writable = await file.createWritable();
        } catch (error) {
          if (error instanceof DOMException && error.name === 'AbortError') {
            return { ok: true, value: { handle: null } };
          }
          // Anything else (e.g. not allowed here): fall back to a download.
        }
      }
      const handle = newHandle();
      open.set(handle, { name: suggestedName, writable, chunks: [], bytes: 0 });
      return { ok: true, value: { handle } };
    },
    'file:write': async ({ handle, chunk }) => {
      const file = open.get(handle);
      if (file === undefined) return failure('unknown_handle', 'That file is not open.');
      const copy = new Uint8Array(chunk.byteLength);
      copy.set(chunk);
      if (file.writable !== undefined) await file.writable.write(copy);
      else file.chunks.push(copy);
      file.bytes += copy.byteLength;
      return { ok: true, value: { bytesWritten: copy.byteLength } };
    },
    'file:close': async ({ handle, abort }) => {
      const file = open.get(handle);
      if (file === undefined) return failure('unknown_handle', 'That file is not open.');
      open.delete(handle);
      if (file.writable !== undefined) {
        if (abort) await file.writable.abort();
        else await file.writable.close();
      } else if (!abort) {
        download(file.name, file.chunks);
      }
      // Browsers never reveal where a file went.
      return { ok: true, value: { path: null } };
    },
  };
}
