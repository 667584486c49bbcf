// The app:// scheme: privileges, files served with the CSP, no way out of renderer/dist.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler, registerAppScheme } from './protocol.ts';
import { contentSecurityPolicy } from './security.ts';

let root: string;
let rendererDir: string;
let handler: (request: Request) => Promise<Response>;
const csp = contentSecurityPolicy({ syncUrl: 'http://127.0.0.1:8787' });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'accord-protocol-'));
  rendererDir = path.join(root, 'renderer', 'dist');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><script type="module" src="./assets/app.js"></script>',
  );
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(path.join(rendererDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(rendererDir, 'favicon.svg'), '<svg/>');
  await writeFile(path.join(root, 'secret.txt'), 'outside the renderer');
  handler = createAppRequestHandler({ rootDir: rendererDir, contentSecurityPolicy: csp });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// scheme', () => {
  it('is registered as a standard, secure scheme before the app is ready', () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });
    expect(registered).toEqual([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
  });

  it('serves index.html at / with the CSP header', async () => {
    const response = await get('app://accord/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(csp);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<!doctype html>');
  });

  it('serves assets with their content types, and the CSP on every response', async () => {
    const script = await get('app://accord/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(script.headers.get('content-security-policy')).toBe(csp);
    expect(await script.text()).toBe('console.log("app")');
    expect((await get('app://accord/assets/app.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('app://accord/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    const missing = await get('app://accord/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(csp);
  });

  it('falls back to index.html for client-side routes, not for missing files', async () => {
    expect((await get('app://accord/settings/security')).status).toBe(200);
    expect((await get('app://accord/nothing.png')).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://accord/../secret.txt',
      'app://accord/%2e%2e/secret.txt',
      'app://accord/assets/%2e%2e/%2e%2e/secret.txt',
      'app://accord/..%2fsecret.txt',
      'app://accord/..%5csecret.txt',
      'app://accord/%00index.html',
      'app://accord/%E0%A4%A',
    ]) {
      const response = await get(url);
      expect([403, 404], url).toContain(response.status);
      expect(await response.text(), url).not.toContain('outside the renderer');
    }
  });

  it('answers only GET and HEAD, only for app://accord', async () => {
    expect((await get('app://accord/', 'POST')).status).toBe(405);
    expect((await get('app://accord/', 'PUT')).status).toBe(405);
    const head = await get('app://accord/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://other/')).status).toBe(404);
    expect((await get('app://accord:9999/')).status).toBe(404);
  });
});
