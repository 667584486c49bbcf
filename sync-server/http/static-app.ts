// Serves the built app (renderer/dist) from the server's own origin, with a strict CSP, so the
// same UI runs in a browser without Electron. The API lives under /api and is never shadowed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Registers the app when its folder exists; returns whether it did. */
export async function serveApp(app: FastifyInstance, appDir: string): Promise<boolean> {
  if (!existsSync(path.join(appDir, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: appDir,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    setHeaders: (response) => {
      response.header('content-security-policy', APP_CONTENT_SECURITY_POLICY);
      response.header('x-content-type-options', 'nosniff');
      response.header('referrer-policy', 'no-referrer');
    },
  });
  return true;
}
