// Webhooks, wired into the server: document writes journaled in their own transaction are turned
// into queued deliveries (in the background, after each commit and once at start for entries a
// crash left behind), the worker runs while the server listens, and the API routes are registered.
// Shutdown stops the worker after the attempts in flight are recorded.
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

/** Journal entries fanned out per read. */
const JOURNAL_BATCH = 100;

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
  const fanOutDeps = { store, now, retryForMs: settings.retryForMs, onError };
  // One drain at a time; a write committed during a drain asks for another pass.
  let draining = false;
  let again = false;
  const drainJournal = () => {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    accounts.tasks.run('webhooks:fan-out', async () => {
      try {
        do {
          again = false;
          for (;;) {
            const entries = await store.webhooks.journaledWrites(JOURNAL_BATCH);
            if (entries.length === 0) break;
            let queued = 0;
            for (const entry of entries) queued += await fanOut(fanOutDeps, entry);
            await store.webhooks.forgetJournaled(entries.map((entry) => entry.seq));
            if (queued > 0) worker.kick();
          }
        } while (again);
      } finally {
        draining = false;
      }
    });
  };
  const stopListening = writes.listen(drainJournal);
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
    drainJournal();
    done();
  });
  app.addHook('onClose', async () => {
    stopListening();
    await accounts.tasks.drain();
    await worker.stop();
  });
}
