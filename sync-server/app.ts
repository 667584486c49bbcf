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
import {
  authenticate,
  stillAuthorized as sessionStillAuthorized,
  type AuthContext,
} from './auth/authenticate.ts';
import { registerAccountRoutes } from './accounts/account-routes.ts';
import { registerAuthRoutes } from './accounts/auth-routes.ts';
import type { AccountDeps } from './accounts/context.ts';
import { startPurgeJob } from './accounts/deletion.ts';
import { registerIntegrationRoutes } from './accounts/integration-routes.ts';
import type { AccountLimits } from './accounts/limits.ts';
import { createAccountDeps } from './accounts/services.ts';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './http/errors.ts';
import { trackIdleSockets } from './http/idle-sockets.ts';
import { serveApp } from './http/static-app.ts';
import { serveApiDocs } from './docs/serve.ts';
import { loggerOptions } from './http/logging.ts';
import { RouteRegistry } from './http/routes.ts';
import { ChangeHub } from './sync/change-hub.ts';
import { registerSyncRoutes } from './sync/routes.ts';
import { registerAvatarRoutes } from './avatars/routes.ts';
import { registerAdminRoutes } from './admin/routes.ts';
import { registerPortabilityRoutes } from './export/routes.ts';
import { registerContactVerification } from './contact/module.ts';
import { DocumentWrites, observeWrites } from './storage/observed-store.ts';
import { registerWebhooks } from './webhooks/module.ts';

export interface AppDeps {
  readonly config: ServerConfig;
  readonly store: SyncStore;
  /** Physical time source; tests inject one to move time. */
  readonly now?: () => number;
  /** `false` silences logging (tests); otherwise logs go to `logStream` or stdout. */
  readonly logger?: boolean;
  readonly logStream?: NodeJS.WritableStream;
  /** Overrides of lifetimes and throttles (tests shorten or relax them). */
  readonly accountLimits?: Partial<AccountLimits>;
}

export interface AccordServer {
  readonly app: FastifyInstance;
  readonly store: SyncStore;
  readonly registry: RouteRegistry;
  readonly clock: HybridClock;
  readonly hub: ChangeHub;
  /** What the account flows work with; tests and maintenance commands call account functions with it. */
  readonly accounts: AccountDeps;
  /** Every route Fastify registered (method and URL), for tests that compare it with the docs. */
  readonly routes: readonly { method: string; url: string }[];
  /** Stops accepting work, ends streams, waits for in-flight requests, closes storage. */
  shutdown(): Promise<void>;
}

export async function buildServer(deps: AppDeps): Promise<AccordServer> {
  const { config } = deps;
  // Every committed document write is announced to the features that react to changes (webhooks).
  const writes = new DocumentWrites((error) => {
    app.log.error({ err: error }, 'a document write listener failed');
  });
  const store = observeWrites(deps.store, writes);
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
    // Errors before routing get the one documented error shape too (I6).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  // The API speaks JSON only; anything else is a clear 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Each process has its own clock node so stamps from several servers never tie.
  const clock = new HybridClock(`server_${randomBytes(4).toString('hex')}`, now);
  const hub = new ChangeHub(store);
  const openStreams = new Set<() => void>();
  let closing = false;

  const accounts = createAccountDeps({
    store,
    clock,
    now,
    config,
    log: app.log,
    ...(deps.accountLimits ? { limits: deps.accountLimits } : {}),
  });
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

  const stillAuthorized = (auth: AuthContext) => sessionStillAuthorized(store, auth, now);
  /** Ends a stream at once on a revocation in this process, or an account change from any process. */
  const watchRevocation = (auth: AuthContext, end: () => void) => {
    const recheck = () => {
      stillAuthorized(auth)
        .then((ok) => {
          if (!ok) end();
        })
        .catch(() => undefined);
    };
    const stopRevocations = accounts.revocations.listen((revocation) => {
      const hit =
        revocation.kind === 'sessions'
          ? revocation.sessionIds.includes(auth.sessionId)
          : revocation.userId === auth.userId;
      if (hit) end();
    });
    const stopChanges = hub.listen((event) => {
      if (event.collection === 'accounts' && event.ownerId === auth.userId) recheck();
    });
    // A revocation between the request's authentication and this subscription is not missed.
    recheck();
    return () => {
      stopRevocations();
      stopChanges();
    };
  };
  registerSyncRoutes(registry, { store, clock, now, hub, openStreams, stillAuthorized, watchRevocation });
  registerAuthRoutes(registry, accounts);
  registerAccountRoutes(registry, accounts);
  registerIntegrationRoutes(registry, accounts);
  registerContactVerification(app, registry, accounts);
  registerWebhooks(app, registry, accounts, writes);
  const stopPurge = startPurgeJob(accounts);
  await registerAvatarRoutes(app, registry, { store, dataDir: config.dataDir, now });
  registerAdminRoutes(registry, accounts);
  registerPortabilityRoutes(registry, accounts);

  await serveApiDocs(app, registry, config.publicUrl);

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
    accounts,
    routes,
    shutdown: async () => {
      closing = true;
      await app.close();
      await stopPurge();
      // Mail and registrations answered before the close still complete.
      await accounts.tasks.drain();
      accounts.mailer.close();
      hub.close();
      await store.close();
    },
  };
}
