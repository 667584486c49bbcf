// The app:// protocol: a privileged, standard, secure scheme that serves the built renderer
// (renderer/dist) read-only, with the app's Content-Security-Policy on every response.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './trusted-url.ts';

/** Privileges of app://: a real origin (IndexedDB, fetch, module scripts), treated as secure. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

export interface SchemeRegistry {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: typeof APP_SCHEME_PRIVILEGES }[]): void;
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: SchemeRegistry): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppRequestHandlerOptions {
  /** The folder of the built renderer (holds index.html). */
  readonly rootDir: string;
  readonly contentSecurityPolicy: string;
}

type ResolvedPath = { kind: 'file'; path: string } | { kind: 'not-found' } | { kind: 'forbidden' };

/**
 * Maps a request path to a file inside rootDir. Paths that leave the folder are forbidden;
 * extension-less paths that match no file fall back to index.html (client-side routes).
 */
export async function resolveAppPath(rootDir: string, pathname: string): Promise<ResolvedPath> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const root = path.resolve(rootDir);
  const candidate = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  const relative = path.relative(root, candidate);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { kind: 'forbidden' };
  const index = indexOf(root);
  const target = relative === '' ? index : candidate;
  if (await isFile(target)) return { kind: 'file', path: target };
  if (path.extname(target) === '' && (await isFile(index))) return { kind: 'file', path: index };
  return { kind: 'not-found' };
}

function indexOf(rootDir: string): string {
  return path.join(path.resolve(rootDir), 'index.html');
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The handler for `protocol.handle('app', …)`: GET/HEAD of files under rootDir, nothing else. */
export function createAppRequestHandler(
  options: AppRequestHandlerOptions,
): (request: Request) => Promise<Response> {
  const securityHeaders = {
    'content-security-policy': options.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
  const plain = (status: number, text: string) =>
    new Response(text, {
      status,
      headers: { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' },
    });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') {
      return plain(404, 'not found');
    }
    const resolved = await resolveAppPath(options.rootDir, url.pathname);
    if (resolved.kind === 'forbidden') return plain(403, 'forbidden');
    if (resolved.kind === 'not-found') return plain(404, 'not found');
    const body = await readFile(resolved.path);
    const contentType =
      CONTENT_TYPES[path.extname(resolved.path).toLowerCase()] ?? 'application/octet-stream';
    // Vite puts content-hashed files under /assets; everything else is revalidated.
    const immutable = url.pathname.startsWith('/assets/') && resolved.path !== indexOf(options.rootDir);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...securityHeaders,
        'content-type': contentType,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  };
}
