// The preload's bridge: exactly the contract's channels under BRIDGE_GLOBAL, results instead of throws.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, ipcChannels } from '#shared/contract/ipc';

const exposed = new Map<string, unknown>();
const invoke = vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>();

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed.set(key, api);
    },
  },
  ipcRenderer: { invoke },
}));

type Method = (request: unknown) => Promise<unknown>;
let bridge: Record<string, Method>;

beforeAll(async () => {
  await import('./preload.ts');
  const api = exposed.get(BRIDGE_GLOBAL);
  if (typeof api !== 'object' || api === null) throw new Error('the bridge was not exposed');
  bridge = api as Record<string, Method>;
});
beforeEach(() => {
  invoke.mockReset();
});

const method = (channel: string): Method => {
  const found = bridge[channel];
  if (found === undefined) throw new Error(`no bridge method ${channel}`);
  return found;
};

describe('preload bridge', () => {
  it('exposes exactly one method per channel under the bridge global, and nothing else', () => {
    expect([...exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(ipcChannels).sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('send');
  });

  it('invokes its own channel with the request and returns the result', async () => {
    invoke.mockResolvedValue({ ok: true, value: { secret: 'x' } });
    expect(await method('credentials:get')({ key: 'refresh' })).toEqual({ ok: true, value: { secret: 'x' } });
    expect(invoke).toHaveBeenCalledWith('credentials:get', { key: 'refresh' });
    const chunk = new Uint8Array([1, 2, 3]);
    invoke.mockResolvedValue({ ok: true, value: { bytesWritten: 3 } });
    await method('file:write')({ handle: 'file_abcdefgh', chunk });
    expect(invoke).toHaveBeenLastCalledWith('file:write', { handle: 'file_abcdefgh', chunk });
  });

  it('turns a failed invoke into an error result instead of throwing', async () => {
    invoke.mockRejectedValue(new Error("Error invoking remote method 'app:info': no handler"));
    expect(await method('app:info')({})).toEqual({
      ok: false,
      error: { code: 'ipc-failed', message: "Error invoking remote method 'app:info': no handler" },
    });
    invoke.mockResolvedValue(undefined);
    expect(await method('app:info')({})).toMatchObject({ ok: false, error: { code: 'invalid-response' } });
  });
});
