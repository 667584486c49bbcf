// Typed IPC in the main process: one handler per channel of the contract, each call checked for
// its sender (the main window's top frame at a trusted origin) and its payload (zod), answered with
// an IpcResult — handlers may throw, nothing is thrown across the process boundary.
import type { z } from 'zod';
import {
  ipcChannels,
  type IpcChannel,
  type IpcError,
  type IpcRequest,
  type IpcResponse,
  type IpcResult,
} from '#shared/contract/ipc';
import { isTrustedOrigin, originOf, type TrustedOrigins } from './trusted-url.ts';

export type IpcErrorCode =
  | 'forbidden-sender'
  | 'invalid-request'
  | 'invalid-response'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unavailable'
  | 'io-error'
  | 'internal';

/** Thrown by handlers for an expected failure; crosses the boundary as `{ ok: false, error: { code, message } }`. */
export class IpcHandlerError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpcHandlerError';
  }
}

export type IpcHandler<C extends IpcChannel> = (request: IpcRequest<C>) => Promise<IpcResponse<C>>;
export type IpcHandlers = { readonly [C in IpcChannel]: IpcHandler<C> };

interface ChannelSchemas<C extends IpcChannel> {
  readonly request: z.ZodType<IpcRequest<C>>;
  readonly response: z.ZodType<IpcResponse<C>>;
}
/** The contract seen per channel, so a generic channel keeps its own request and response types. */
const channelSchemas: { readonly [C in IpcChannel]: ChannelSchemas<C> } = ipcChannels;
export const IPC_CHANNELS = Object.keys(ipcChannels) as readonly IpcChannel[];

/** The frame an invoke came from (Electron's WebFrameMain satisfies it). */
export interface SenderFrame {
  readonly url: string;
  readonly origin: string;
  readonly parent: object | null;
}

/** What the sender check reads of an invoke event (Electron's IpcMainInvokeEvent satisfies it). */
export interface InvokeEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: SenderFrame | null;
}

/**
 * Only the main window's top-level frame, showing the app (app://accord or the dev server), may
 * call. Subframes, other windows, about:blank and pages that navigated elsewhere are refused.
 */
export function isTrustedSender(
  event: InvokeEvent,
  mainContentsId: number | null,
  trusted: TrustedOrigins,
): boolean {
  const frame = event.senderFrame;
  if (frame === null || mainContentsId === null || event.sender.id !== mainContentsId) return false;
  if (frame.parent !== null) return false;
  const origin = originOf(frame.url);
  return origin !== null && isTrustedOrigin(origin, trusted) && frame.origin === origin;
}

const MAX_MESSAGE = 500;

function failure(code: IpcErrorCode, message: string): { ok: false; error: IpcError } {
  return {
    ok: false,
    error: {
      code,
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

/** Validates the payload, runs the handler and validates its answer; never rejects. */
export async function dispatch<C extends IpcChannel>(
  channel: C,
  handler: IpcHandler<C>,
  payload: unknown,
  log: (message: string) => void,
): Promise<IpcResult<IpcResponse<C>>> {
  const schemas = channelSchemas[channel];
  const request = schemas.request.safeParse(payload);
  if (!request.success) return failure('invalid-request', describeIssues(request.error));
  let response: IpcResponse<C>;
  try {
    response = await handler(request.data);
  } catch (error) {
    if (error instanceof IpcHandlerError) return failure(error.code, error.message);
    log(`${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
    return failure('internal', 'The desktop app could not complete the request.');
  }
  const checked = schemas.response.safeParse(response);
  if (!checked.success) {
    log(`${channel} produced an invalid response: ${describeIssues(checked.error)}`);
    return failure('invalid-response', 'The desktop app produced an invalid answer.');
  }
  return { ok: true, value: checked.data };
}

/** Electron's ipcMain, as far as registration goes. */
export interface IpcRegistry {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface RegisterOptions {
  readonly handlers: IpcHandlers;
  /** The id of the main window's WebContents, or null while there is none. */
  readonly mainContentsId: () => number | null;
  readonly trusted: TrustedOrigins;
  readonly log: (message: string) => void;
}

/** Registers every channel of the contract; returns a function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcRegistry, options: RegisterOptions): () => void {
  // C ties each channel to its own handler and schemas (a correlated union, as channelSchemas).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see above
  const register = <C extends IpcChannel>(channel: C) => {
    const handler: IpcHandler<C> = options.handlers[channel];
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event, options.mainContentsId(), options.trusted)) {
        options.log(`refused ${channel} from a frame that is not the app's main window`);
        return failure('forbidden-sender', 'This page may not use the desktop bridge.');
      }
      if (args.length !== 1) return failure('invalid-request', 'expected exactly one request object');
      return dispatch(channel, handler, args[0], options.log);
    });
  };
  for (const channel of IPC_CHANNELS) register(channel);
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}
