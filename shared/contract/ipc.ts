// The IPC contract between the renderer and the Electron main process: one channel map, each with
// zod request and response schemas. The preload exposes it as `AccordBridge`; the browser build
// implements the same interface (renderer/platform). Results cross the boundary as IpcResult.
import { z } from 'zod';

export const IpcError = z.object({ code: z.string().max(64), message: z.string().max(500) });
export type IpcError = z.infer<typeof IpcError>;
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const CredentialKey = z
  .string()
  .regex(/^[A-Za-z0-9:._-]{1,128}$/, 'credential key: 1–128 safe characters');

export const CredentialStoreStatus = z.object({
  /** Whether secrets survive a restart (an OS keyring or keychain is available). */
  persistent: z.boolean(),
  /** The storage backend, e.g. keychain, dpapi, gnome_libsecret, kwallet, basic_text, browser. */
  backend: z.string().max(64),
  /** Why secrets are not persisted, shown to the user when `persistent` is false. */
  reason: z.string().max(500).optional(),
});
export type CredentialStoreStatus = z.infer<typeof CredentialStoreStatus>;

export const SaveFileRequest = z.object({
  suggestedName: z.string().min(1).max(255),
  filters: z
    .array(
      z.object({
        name: z.string().max(64),
        extensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/)).max(10),
      }),
    )
    .max(10),
});
/** A handle to a file the user chose; chunks are streamed to it, then it is closed. */
export const FileHandle = z.string().regex(/^file_[A-Za-z0-9_-]{8,64}$/);

export const ipcChannels = {
  'credentials:status': { request: z.object({}), response: CredentialStoreStatus },
  'credentials:get': {
    request: z.object({ key: CredentialKey }),
    response: z.object({ secret: z.string().nullable() }),
  },
  'credentials:set': {
    request: z.object({ key: CredentialKey, secret: z.string().min(1).max(8192) }),
    response: z.object({ persisted: z.boolean() }),
  },
  'credentials:delete': { request: z.object({ key: CredentialKey }), response: z.object({}) },
  'file:save-dialog': { request: SaveFileRequest, response: z.object({ handle: FileHandle.nullable() }) },
  'file:write': {
    request: z.object({
      handle: FileHandle,
      chunk: z.instanceof(Uint8Array).refine((c) => c.byteLength <= 4 * 1024 * 1024),
    }),
    response: z.object({ bytesWritten: z.number().int().nonnegative() }),
  },
  'file:close': {
    request: z.object({ handle: FileHandle, abort: z.boolean() }),
    response: z.object({ path: z.string().nullable() }),
  },
  'shell:open-external': {
    request: z.object({ url: z.string().max(2048) }),
    response: z.object({ opened: z.boolean() }),
  },
  'app:info': {
    request: z.object({}),
    response: z.object({
      version: z.string(),
      platform: z.string(),
      shell: z.enum(['electron', 'browser']),
      /** The sync server the app talks to; null means the page's own origin (browser build). */
      syncUrl: z.string().nullable(),
    }),
  },
  'notify:security-alert': {
    request: z.object({ title: z.string().min(1).max(120), body: z.string().max(500) }),
    response: z.object({ shown: z.boolean() }),
  },
} as const;

export type IpcChannel = keyof typeof ipcChannels;
export type IpcRequest<C extends IpcChannel> = z.infer<(typeof ipcChannels)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.infer<(typeof ipcChannels)[C]['response']>;

/** What the renderer sees as `window.accord` (Electron preload) or its browser implementation. */
export type AccordBridge = {
  readonly [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResult<IpcResponse<C>>>;
};

/** The global name the preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'accord';

/** Only these schemes may be opened in the OS browser. */
const ExternalUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2048);

/** Only http(s) URLs with a host name and no embedded credentials may open in the OS browser. */
export function isSafeExternalUrl(url: string): boolean {
  return ExternalUrl.safeParse(url).success && !/^https?:\/\/[^/?#]*@/i.test(url);
}
