// Contact verification, wired into the server: after every committed change to a profile or an
// account (in this process or, on PostgreSQL, any other) the owner's entries are reconciled with
// the verification table, and the API routes are registered.
import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../accounts/context.ts';
import type { RouteRegistry } from '../http/routes.ts';
import { reconcileContacts } from './reconcile.ts';
import { registerContactRoutes } from './routes.ts';
import { PerUserRuns } from './scheduler.ts';
import type { ContactDeps } from './send-code.ts';
import { createSmsTransport } from './sms.ts';

export function registerContactVerification(
  app: FastifyInstance,
  registry: RouteRegistry,
  accounts: AccountDeps,
): void {
  const deps: ContactDeps = {
    ...accounts,
    sms: createSmsTransport(accounts.config.sms, accounts.config.dataDir, accounts.now),
  };
  const runs = new PerUserRuns(
    (userId) => reconcileContacts(deps, userId),
    (error) => {
      app.log.error({ err: error }, 'contact verification: reconciling a profile failed');
    },
  );
  const unsubscribe = deps.store.subscribe((event) => {
    if (event.collection === 'profiles' || event.collection === 'accounts') void runs.request(event.ownerId);
  });
  registerContactRoutes(registry, deps, (userId) => runs.request(userId));
  app.addHook('onClose', async () => {
    unsubscribe();
    await runs.drain();
  });
}
