// The one way the renderer reaches the platform: the Electron preload's bridge when present,
// otherwise the browser implementation of the same AccordBridge interface.
import {
  BRIDGE_GLOBAL,
  type AccordBridge,
  type IpcChannel,
  type IpcRequest,
  type IpcResponse,
} from '#shared/contract/ipc';
import { createWebBridge } from './web-bridge.ts';

export const APP_VERSION = import.meta.env.VITE_APP_VERSION ?? '0.1.0';

let cached: AccordBridge | undefined;

function preloadBridge(): AccordBridge | undefined {
  const candidate: unknown = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  return typeof candidate === 'object' && candidate !== null ? (candidate as AccordBridge) : undefined;
}

export function getBridge(): AccordBridge {
  cached ??= preloadBridge() ?? createWebBridge({ version: APP_VERSION });
  return cached;
}

/** For tests: use this bridge instead of the detected one. */
export function setBridgeForTests(bridge: AccordBridge | undefined): void {
  cached = bridge;
}

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls a channel and unwraps its result; a failure becomes a BridgeError. */
export async function invoke<C extends IpcChannel>(
  channel: C,
  request: IpcRequest<C>,
): Promise<IpcResponse<C>> {
  const call = getBridge()[channel] as unknown as (request: IpcRequest<C>) => ReturnType<AccordBridge[C]>;
  const result = await call(request);
  if (!result.ok) throw new BridgeError(result.error.code, result.error.message);
  return result.value;
}
