// Webhooks, wired into the server: every committed document write is turned into queued deliveries
// (after the commit, in the background), the worker runs while the server listens, and the API
// routes are registered. Shutdown stops the worker after the attempts in flight are recorded.
import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../accounts/context.ts';
import type { RouteRegistry } from '../http/routes.ts';
import type { DocumentWrites } from '../storage/observed-store.ts';
import { systemResolver } from './address-guard.ts';
import { syncWebhookMetadata } from './endpoints.ts';
import { fanOut } from './fan-out.ts';
import { endpointDisabledMail } from './notify.ts';
import { registerWebhookRoutes } from './routes.ts';
import { DeliveryWorker } from './worker.ts';

export function registerWebhooks(
  app: FastifyInstance,
  registry: RouteRegistry,
  accounts: AccountDeps,
  writes: DocumentWrites,
): void {
  const { store, clock, now, config, log } = accounts;
  const settings = config.webhooks;
  const resolve = systemResolver;
  const worker = new DeliveryWorker(
    {
      store,
      settings,
      now,
      resolve,
      onDisabled: async (endpoint) => {
        await syncWebhookMetadata({ store, clock }, endpoint.ownerId);
        const owner = await store.findUser(endpoint.ownerId);
        if (owner !== undefined) await accounts.mailer.send(endpointDisabledMail(owner.email, endpoint));
      },
    },
    (error) => {
      log.error({ err: error }, 'webhook delivery failed unexpectedly');
    },
  );
  const onError = (error: unknown) => {
    log.error({ err: error }, 'queueing webhook deliveries failed');
  };
  const stopListening = writes.listen((write) => {
    accounts.tasks.run('webhooks:fan-out', async () => {
      const queued = await fanOut({ store, now, retryForMs: settings.retryForMs, onError }, write);
      if (queued > 0) worker.kick();
    });
  });
  registerWebhookRoutes(registry, {
    store,
    clock,
    now,
    settings,
    resolve,
    kick: () => {
      worker.kick();
    },
  });
  app.addHook('onReady', (done) => {
    worker.start();
    done();
  });
  app.addHook('onClose', async () => {
    stopListening();
    await accounts.tasks.drain();
    await worker.stop();
  });
}
