// The shell's settings from the environment: which sync server the app talks to (SYNC_URL) and,
// only in unpackaged runs, the Vite dev server to load and the data folder (tests, side-by-side runs).
import path from 'node:path';
import { z } from 'zod';
import { parseDevServerUrl } from './trusted-url.ts';

/** The sync server's default address (`npm start` and `npm run server` listen here). */
export const DEFAULT_SYNC_URL = 'http://127.0.0.1:8787';

export interface ShellConfig {
  /** Base URL of the sync server, without a trailing slash. */
  readonly syncUrl: string;
  /** ACCORD_DEV_SERVER_URL: the dev server to load instead of app://accord/, or null. */
  readonly devServerUrl: URL | null;
  /** ACCORD_USER_DATA: the userData folder of an unpackaged run, or null for the default. */
  readonly userDataDir: string | null;
}

const SyncUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2048);

/** A variable's value, unless it is unset or empty. */
function present(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

export function loadShellConfig(env: NodeJS.ProcessEnv, isPackaged: boolean): ShellConfig {
  const rawSync = env.SYNC_URL ?? DEFAULT_SYNC_URL;
  const sync = SyncUrl.safeParse(rawSync);
  if (!sync.success || new URL(rawSync).username !== '' || new URL(rawSync).password !== '') {
    throw new Error(
      `SYNC_URL must be an http:// or https:// URL without credentials (got "${rawSync.slice(0, 200)}")`,
    );
  }
  const devServer = present(env.ACCORD_DEV_SERVER_URL);
  const userData = present(env.ACCORD_USER_DATA);
  // A packaged app always loads its own files into its own folder, whatever the environment says.
  return {
    syncUrl: sync.data.replace(/\/+$/, ''),
    devServerUrl: !isPackaged && devServer !== null ? parseDevServerUrl(devServer) : null,
    userDataDir: !isPackaged && userData !== null ? path.resolve(userData) : null,
  };
}
