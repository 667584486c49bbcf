// Serves the API reference: /openapi.json from the registered contracts, and an interactive
// Swagger UI at /docs (assets bundled with the package, so it works offline).
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { systemRoutes } from '#shared/contract/system';
import type { RouteRegistry } from '../http/routes.ts';
import { buildOpenApiDocument } from './openapi.ts';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** Call after every other route is registered: the document lists what the registry holds. */
export async function serveApiDocs(
  app: FastifyInstance,
  registry: RouteRegistry,
  publicUrl: string,
): Promise<void> {
  let document: Record<string, unknown> = {};
  registry.public(systemRoutes.openapi, () => Promise.resolve(document as never));
  document = buildOpenApiDocument(registry.contracts, { version: packageVersion(), serverUrl: publicUrl });
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false, validatorUrl: null },
  });
}
