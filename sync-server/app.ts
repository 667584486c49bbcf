// Builds the Fastify application: plugins, error shape, system and replication routes.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { HybridClock } from '#shared/hlc';
import { systemRoutes } from '#shared/contract/system';
import type { ServerConfig } from './config.ts';
import type { SyncStore } from './storage/store.ts';
import { authenticate, type AuthContext } from './auth/authenticate.ts';
import { installErrorHandling } from './http/errors.ts';
import { trackIdleSockets } from './http/idle-sockets.ts';
import { serveApp } from './http/static-app.ts';
import { loggerOptions } from './http/logging.ts';
import { RouteRegistry } from './http/routes.ts';
import { ChangeHub } from './sync/change-hub.ts';
import { registerSyncRoutes } from './sync/routes.ts';

export interface AppDeps {
  readonly config: ServerConfig;
  readonly store: SyncStore;
  /** Physical time source; tests inject one to move time. */
  readonly now?: () => number;
  /** `false` silences logging (tests); otherwise logs go to `logStream` or stdout. */
  readonly logger?: boolean;
  readonly logStream?: NodeJS.WritableStream;
}

export interface AccordServer {
  readonly app: FastifyInstance;
  readonly store: SyncStore;
  readonly registry: RouteRegistry;
  readonly clock: HybridClock;
  readonly hub: ChangeHub;
  /** Stops accepting work, ends streams, waits for in-flight requests, closes storage. */
  shutdown(): Promise<void>;
}

export async function buildServer(deps: AppDeps): Promise<AccordServer> {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;
  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions(config.logLevel, deps.logStream),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // Idle keep-alive sockets close at once; requests in flight still finish.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  // The API speaks JSON only; anything else is a clear 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Each process has its own clock node so stamps from several servers never tie.
  const clock = new HybridClock(`server_${randomBytes(4).toString('hex')}`, now);
  const hub = new ChangeHub(store);
  const openStreams = new Set<() => void>();
  let closing = false;

  const registry = new RouteRegistry(app, (request) => authenticate(store, request, now));
  installErrorHandling(app, (path) => registry.methodsFor(path));
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: { code: 'rate_limited', message: `Too many requests; try again in ${context.after}.` },
    }),
  });

  // The desktop app calls from its own origin; the browser build is served from this one.
  await app.register(cors, {
    origin: config.corsOrigins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'accept'],
    maxAge: 600,
  });
  await serveApp(app, config.appDir);

  registry.public(systemRoutes.healthz, () => Promise.resolve({ status: 'ok' as const }));
  registry.public(systemRoutes.readyz, async ({ reply }) => {
    if (closing)
      return reply.code(503).send({ error: { code: 'service_unavailable', message: 'Shutting down.' } });
    await store.ping();
    return { status: 'ready' as const, storage: store.dialect };
  });

  const stillAuthorized = async (auth: AuthContext) => {
    const user = await store.findUser(auth.userId);
    return user?.status === 'active';
  };
  registerSyncRoutes(registry, { store, clock, now, hub, openStreams, stillAuthorized });

  const sockets = trackIdleSockets(app.server);
  app.addHook('preClose', (done) => {
    closing = true;
    for (const close of [...openStreams]) close();
    sockets.destroyIdle();
    done();
  });

  return {
    app,
    store,
    registry,
    clock,
    hub,
    shutdown: async () => {
      closing = true;
      await app.close();
      hub.close();
      await store.close();
    },
  };
}
