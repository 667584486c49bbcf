// IPC in the main process: every contract channel registered, foreign senders and bad payloads refused.
import { describe, expect, it } from 'vitest';
import { ipcChannels, type IpcChannel } from '#shared/contract/ipc';
import { FakeIpcMain, invokeEvent } from '../testing/fake-electron.ts';
import {
  dispatch,
  IPC_CHANNELS,
  IpcHandlerError,
  isTrustedSender,
  registerIpcHandlers,
  type IpcHandlers,
} from './ipc.ts';

const MAIN = 7;
const trusted = { devServerOrigin: null };

function handlers(calls: string[]): IpcHandlers {
  const note = (channel: IpcChannel) => calls.push(channel);
  return {
    'credentials:status': () => {
      note('credentials:status');
      return Promise.resolve({ persistent: true, backend: 'keychain' });
    },
    'credentials:get': ({ key }) => {
      note('credentials:get');
      return Promise.resolve({ secret: key === 'refresh' ? 'r-token' : null });
    },
    'credentials:set': () => {
      note('credentials:set');
      return Promise.resolve({ persisted: true });
    },
    'credentials:delete': () => {
      note('credentials:delete');
      return Promise.resolve({});
    },
    'file:save-dialog': () => {
      note('file:save-dialog');
      return Promise.resolve({ handle: null });
    },
    'file:write': ({ chunk }) => {
      note('file:write');
      return Promise.resolve({ bytesWritten: chunk.byteLength });
    },
    'file:close': () => {
      note('file:close');
      return Promise.reject(new IpcHandlerError('not-found', 'This file is not open.'));
    },
    'shell:open-external': () => {
      note('shell:open-external');
      return Promise.reject(new Error('EACCES /home/someone/.config/secret'));
    },
    'app:info': () => {
      note('app:info');
      return Promise.resolve({
        version: '1.0.0',
        platform: 'linux',
        shell: 'electron',
        syncUrl: 'http://127.0.0.1:8787',
      });
    },
    'notify:security-alert': () => {
      note('notify:security-alert');
      // An answer that breaks the contract: the main process must not pass it on.
      return Promise.resolve({ shown: 'yes' } as unknown as { shown: boolean });
    },
  };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const calls: string[] = [];
  const logs: string[] = [];
  const unregister = registerIpcHandlers(ipcMain, {
    handlers: handlers(calls),
    mainContentsId: () => MAIN,
    trusted,
    log: (line) => logs.push(line),
  });
  return { ipcMain, calls, logs, unregister };
}

const fromApp = invokeEvent(MAIN, { url: 'app://accord/#/profile' });

describe('IPC registration', () => {
  it('registers exactly the channels of the contract, and removes them again', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(ipcChannels).sort());
    expect(IPC_CHANNELS).toHaveLength(Object.keys(ipcChannels).length);
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers the main window with a result', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke('credentials:get', fromApp, { key: 'refresh' })).toEqual({
      ok: true,
      value: { secret: 'r-token' },
    });
    expect(
      await ipcMain.invoke('file:write', fromApp, { handle: 'file_abcdefgh1234', chunk: new Uint8Array(3) }),
    ).toEqual({ ok: true, value: { bytesWritten: 3 } });
  });
});

describe('sender validation', () => {
  const foreign = [
    ['another window', invokeEvent(MAIN + 1, { url: 'app://accord/' })],
    ['a subframe of the main window', invokeEvent(MAIN, { url: 'app://accord/frame.html', parent: {} })],
    ['a remote page in the main window', invokeEvent(MAIN, { url: 'https://evil.example/' })],
    ['a file:// page', invokeEvent(MAIN, { url: 'file:///tmp/x.html', origin: 'file://' })],
    ['about:blank', invokeEvent(MAIN, { url: 'about:blank', origin: 'app://accord' })],
    [
      'a frame whose origin differs from its URL',
      invokeEvent(MAIN, { url: 'app://accord/', origin: 'null' }),
    ],
    ['the dev server when none is configured', invokeEvent(MAIN, { url: 'http://localhost:5173/' })],
    ['a destroyed frame', { sender: { id: MAIN }, senderFrame: null }],
  ] as const;

  it.each(foreign)('refuses %s without running the handler', async (_label, event) => {
    const { ipcMain, calls, logs } = setup();
    const result = await ipcMain.invoke('credentials:get', event, { key: 'refresh' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(calls).toEqual([]);
    expect(logs.join('\n')).toContain('refused credentials:get');
  });

  it('trusts the dev server only when it is the configured one', () => {
    const dev = { devServerOrigin: 'http://localhost:5173' };
    expect(isTrustedSender(invokeEvent(MAIN, { url: 'http://localhost:5173/' }), MAIN, dev)).toBe(true);
    expect(isTrustedSender(invokeEvent(MAIN, { url: 'http://localhost:5174/' }), MAIN, dev)).toBe(false);
    expect(isTrustedSender(fromApp, null, dev)).toBe(false);
  });
});

describe('payload validation', () => {
  const invalid: [IpcChannel, unknown][] = [
    ['credentials:get', { key: '../../etc/passwd' }],
    ['credentials:get', {}],
    ['credentials:get', 'refresh'],
    ['credentials:set', { key: 'refresh', secret: '' }],
    ['credentials:set', { key: 'refresh', secret: 'x'.repeat(8193) }],
    ['file:write', { handle: 'file_abcdefgh1234', chunk: 'not bytes' }],
    ['file:write', { handle: '../../x', chunk: new Uint8Array(1) }],
    ['file:save-dialog', { suggestedName: 'a.csv', filters: [{ name: 'CSV', extensions: ['c;sv'] }] }],
    ['notify:security-alert', { title: '', body: 'x' }],
    ['shell:open-external', { url: 42 }],
    ['app:info', null],
  ];

  it.each(invalid)('rejects an invalid %s request without running the handler', async (channel, payload) => {
    const { ipcMain, calls } = setup();
    const result = await ipcMain.invoke(channel, fromApp, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(calls).toEqual([]);
  });

  it('rejects calls with extra arguments', async () => {
    const { ipcMain, calls } = setup();
    expect(await ipcMain.invoke('app:info', fromApp, {}, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await ipcMain.invoke('app:info', fromApp)).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });
});

describe('results across the boundary', () => {
  it('turns an expected failure into its error code', async () => {
    const { ipcMain } = setup();
    expect(
      await ipcMain.invoke('file:close', fromApp, { handle: 'file_abcdefgh1234', abort: false }),
    ).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'This file is not open.' },
    });
  });

  it('hides the details of an unexpected failure from the page, and logs them', async () => {
    const { ipcMain, logs } = setup();
    const result = await ipcMain.invoke('shell:open-external', fromApp, { url: 'https://example.com' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'The desktop app could not complete the request.' },
    });
    expect(logs.join('\n')).toContain('EACCES');
  });

  it('never passes on an answer that breaks the contract', async () => {
    const { ipcMain } = setup();
    const result = await ipcMain.invoke('notify:security-alert', fromApp, {
      title: 'New sign-in',
      body: 'Linux',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-response' } });
  });

  it('keeps error messages within the contract length', async () => {
    const result = await dispatch(
      'app:info',
      () => Promise.reject(new IpcHandlerError('unavailable', 'x'.repeat(2000))),
      {},
      () => undefined,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message.length).toBeLessThanOrEqual(500);
  });
});
