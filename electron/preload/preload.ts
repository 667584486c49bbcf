// The preload: exposes the bridge (one named method per channel of the IPC contract) to the page
// under BRIDGE_GLOBAL — never ipcRenderer itself. Compiled to CommonJS for the sandbox; it imports
// only types from the contract, so no schema library is loaded into the page.
import { contextBridge, ipcRenderer } from 'electron';
import type {
  AccordBridge,
  BRIDGE_GLOBAL,
  IpcChannel,
  IpcRequest,
  IpcResponse,
  IpcResult,
} from '#shared/contract/ipc';

/** Same value as BRIDGE_GLOBAL; the type ties the two together without importing the contract's code. */
const bridgeGlobal: typeof BRIDGE_GLOBAL = 'accord';

function isResult(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}

/** One bridge method: invokes the channel; a failed invoke becomes an error result, never a throw. */
function channel<C extends IpcChannel>(
  name: C,
): (request: IpcRequest<C>) => Promise<IpcResult<IpcResponse<C>>> {
  return async (request) => {
    try {
      const result: unknown = await ipcRenderer.invoke(name, request);
      if (isResult(result)) return result as IpcResult<IpcResponse<C>>;
      return { ok: false, error: { code: 'invalid-response', message: 'The desktop app gave no answer.' } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'ipc-failed', message: message.slice(0, 500) } };
    }
  };
}

const bridge = {
  'credentials:status': channel('credentials:status'),
  'credentials:get': channel('credentials:get'),
  'credentials:set': channel('credentials:set'),
  'credentials:delete': channel('credentials:delete'),
  'file:save-dialog': channel('file:save-dialog'),
  'file:write': channel('file:write'),
  'file:close': channel('file:close'),
  'shell:open-external': channel('shell:open-external'),
  'app:info': channel('app:info'),
  'notify:security-alert': channel('notify:security-alert'),
} satisfies AccordBridge;

contextBridge.exposeInMainWorld(bridgeGlobal, Object.freeze(bridge));
