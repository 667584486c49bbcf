// Export saving: the dialog, streamed writes to a partial file, close, abort and limits.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSaver, safeFileName, type SaveDialogOptions } from './files.ts';
import { IpcHandlerError } from './ipc.ts';

let dir: string;
let dialogs: SaveDialogOptions[];
let answer: { canceled: boolean; filePath?: string };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-files-'));
  dialogs = [];
  answer = { canceled: false, filePath: path.join(dir, 'export.csv') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function saver(limits: { maxOpenFiles?: number; maxFileBytes?: number } = {}) {
  return createFileSaver({
    showSaveDialog: (options) => {
      dialogs.push(options);
      return Promise.resolve(answer);
    },
    defaultDirectory: path.join(dir, 'Downloads'),
    ...limits,
  });
}

const request = { suggestedName: 'accord-export.csv', filters: [{ name: 'CSV', extensions: ['csv'] }] };
const bytes = (text: string) => new TextEncoder().encode(text);

async function expectCode(promise: Promise<unknown>, code: string) {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(IpcHandlerError);
  if (error instanceof IpcHandlerError) expect(error.code).toBe(code);
}

describe('save dialog', () => {
  it('starts in the downloads folder with a safe suggested name and the filters', async () => {
    await saver().saveDialog({ ...request, suggestedName: '../../.bashrc' });
    expect(dialogs[0]).toEqual({
      defaultPath: path.join(dir, 'Downloads', 'bashrc'),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    });
  });

  it('returns no handle when the user cancels', async () => {
    answer = { canceled: true };
    const files = saver();
    expect(await files.saveDialog(request)).toBeNull();
    expect(files.openCount()).toBe(0);
  });

  it('makes file names safe', () => {
    expect(safeFileName('report.csv')).toBe('report.csv');
    expect(safeFileName('a/b\\c.csv')).toBe('c.csv');
    expect(safeFileName('con<>:"|?*.txt')).toBe('con_______.txt');
    expect(safeFileName('\u0000\u001f')).toBe('__');
    expect(safeFileName('...')).toBe('accord-export');
    expect(safeFileName('')).toBe('accord-export');
  });
});

describe('streamed writes', () => {
  it('writes chunks in order to a partial file and renames it into place on close', async () => {
    const files = saver();
    const handle = await files.saveDialog(request);
    if (handle === null) throw new Error('no handle');
    expect(handle).toMatch(/^file_[A-Za-z0-9_-]{8,64}$/);
    const writes = ['id,name\n', '1,Ada\n', '2,Grace\n'].map((chunk) => files.write(handle, bytes(chunk)));
    expect(await Promise.all(writes)).toEqual([8, 6, 8]);
    expect(existsSync(path.join(dir, 'export.csv'))).toBe(false);
    expect(await files.close(handle, false)).toBe(path.join(dir, 'export.csv'));
    expect(await readFile(path.join(dir, 'export.csv'), 'utf8')).toBe('id,name\n1,Ada\n2,Grace\n');
    expect(await readdir(dir)).toEqual(['export.csv']);
    expect(files.openCount()).toBe(0);
  });

  it('leaves nothing behind when aborted', async () => {
    const files = saver();
    const handle = await files.saveDialog(request);
    if (handle === null) throw new Error('no handle');
    await files.write(handle, bytes('partial data'));
    expect(await files.close(handle, true)).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    await expectCode(files.write(handle, bytes('late')), 'not-found');
  });

  it('refuses unknown or closed handles', async () => {
    const files = saver();
    await expectCode(files.write('file_unknownhandle', bytes('x')), 'not-found');
    await expectCode(files.close('file_unknownhandle', false), 'not-found');
  });

  it('stops a file that grows too large and removes it', async () => {
    const files = saver({ maxFileBytes: 10 });
    const handle = await files.saveDialog(request);
    if (handle === null) throw new Error('no handle');
    await files.write(handle, bytes('12345678'));
    await expectCode(files.write(handle, bytes('too much')), 'too-large');
    await expectCode(files.write(handle, bytes('1')), 'conflict');
    await expectCode(files.close(handle, false), 'io-error');
    expect(await readdir(dir)).toEqual([]);
  });

  it('limits how many files are open at once', async () => {
    const files = saver({ maxOpenFiles: 1 });
    await files.saveDialog(request);
    await expectCode(files.saveDialog(request), 'conflict');
  });

  it('aborts every open file when the window goes away', async () => {
    const files = saver();
    const first = await files.saveDialog(request);
    answer = { canceled: false, filePath: path.join(dir, 'second.csv') };
    const second = await files.saveDialog(request);
    if (first === null || second === null) throw new Error('no handle');
    await files.write(first, bytes('a'));
    await files.abortAll();
    expect(files.openCount()).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
