// The webhook API: endpoints (create, list, change, delete), a test event, the delivery log and resend.
import { WEBHOOK_TEST_EVENT, webhookRoutes, type WebhookDelivery } from '#shared/contract/webhooks';
import { AccordError } from '#shared/errors';
import type { RouteRegistry } from '../http/routes.ts';
import type { WebhookDeliveryRecord } from '../storage/store.ts';
import {
  createEndpoint,
  deleteEndpoint,
  infoOf,
  ownEndpoint,
  updateEndpoint,
  type EndpointDeps,
} from './endpoints.ts';
import { newDelivery } from './fan-out.ts';

export interface WebhookRouteDeps extends EndpointDeps {
  /** Makes the worker look for due deliveries now. */
  readonly kick: () => void;
}

function logEntry(record: WebhookDeliveryRecord): WebhookDelivery {
  const { giveUpAt: _giveUp, ...delivery } = record;
  return delivery;
}

export function registerWebhookRoutes(registry: RouteRegistry, deps: WebhookRouteDeps): void {
  registry.authed(webhookRoutes.list, async ({ auth }) => ({
    endpoints: (await deps.store.webhooks.listEndpoints(auth.userId)).map(infoOf),
  }));

  registry.authed(webhookRoutes.create, ({ auth, body }) => createEndpoint(deps, auth, body));

  registry.authed(webhookRoutes.update, async ({ auth, body }) => ({
    endpoint: await updateEndpoint(deps, auth, body),
  }));

  registry.authed(webhookRoutes.remove, async ({ auth, body }) => {
    await deleteEndpoint(deps, auth, body.endpointId);
    return { message: 'The webhook was deleted.' };
  });

  registry.authed(webhookRoutes.test, async ({ auth, body }) => {
    const endpoint = await ownEndpoint(deps, auth, body.endpointId);
    if (endpoint.status !== 'active')
      throw new AccordError('conflict', 'Enable the webhook first.', 'endpointId');
    const delivery = newDelivery(
      { now: deps.now, retryForMs: deps.settings.retryForMs },
      endpoint,
      WEBHOOK_TEST_EVENT,
      auth.userId,
      {
        endpointId: endpoint.id,
        message: 'This is a test event from Accord.',
      },
    );
    await deps.store.webhooks.enqueue([delivery]);
    deps.kick();
    const queued = await deps.store.webhooks.findDelivery(delivery.id);
    if (queued === undefined)
      throw new AccordError('conflict', 'The webhook was deleted meanwhile.', 'endpointId');
    return { delivery: logEntry(queued) };
  });

  registry.authed(webhookRoutes.deliveries, async ({ auth, query }) => {
    const endpoint = await ownEndpoint(deps, auth, query.endpointId);
    const records = await deps.store.webhooks.listDeliveries(endpoint.id, {
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.before === undefined ? {} : { before: query.before }),
    });
    return { deliveries: records.map(logEntry) };
  });

  registry.authed(webhookRoutes.resend, async ({ auth, body }) => {
    const record = await deps.store.webhooks.findDelivery(body.deliveryId);
    const endpoint = record && (await deps.store.webhooks.findEndpoint(record.endpointId));
    if (record === undefined || endpoint?.ownerId !== auth.userId) {
      throw new AccordError('not_found', 'You have no such delivery.', 'deliveryId');
    }
    if (endpoint.status !== 'active')
      throw new AccordError('conflict', 'Enable the webhook first.', 'deliveryId');
    const now = deps.now();
    const requeued = await deps.store.webhooks.requeue(
      record.id,
      new Date(now).toISOString(),
      new Date(now + deps.settings.retryForMs).toISOString(),
    );
    if (requeued === undefined)
      throw new AccordError('conflict', 'This delivery is being attempted right now.', 'deliveryId');
    deps.kick();
    return { delivery: logEntry(requeued) };
  });
}
