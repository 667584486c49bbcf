// Managing endpoints: create (the secret is returned once), change, enable/disable, delete, list.
// Every change rewrites the owner's settings `webhooks` metadata (a server-written field with a
// fresh server clock), so their devices show the endpoints without ever holding a secret.
import type { z } from 'zod';
import {
  MAX_WEBHOOKS_PER_USER,
  type CreateWebhookBody,
  type UpdateWebhookBody,
  type WebhookEndpoint,
} from '#shared/contract/webhooks';
import { AccordError } from '#shared/errors';
import type { WebhookMeta } from '#shared/entities/settings';
import type { HybridClock } from '#shared/hlc';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument, type AnyDoc } from '#shared/policy/table';
import type { AuthContext } from '../auth/authenticate.ts';
import type { WebhookSettings } from '../config.ts';
import type { EndpointChange, SyncStore, WebhookEndpointRecord } from '../storage/store.ts';
import { checkTarget, type Resolver } from './address-guard.ts';
import { newEndpointId, newWebhookSecret } from './signature.ts';

export interface EndpointDeps {
  readonly store: SyncStore;
  readonly clock: HybridClock;
  readonly now: () => number;
  readonly settings: WebhookSettings;
  readonly resolve: Resolver;
}

export function infoOf(endpoint: WebhookEndpointRecord): WebhookEndpoint {
  const { ownerId: _owner, secret: _secret, updatedAt: _updated, ...info } = endpoint;
  return { ...info, events: [...info.events] };
}

export async function createEndpoint(
  deps: EndpointDeps,
  auth: AuthContext,
  body: z.output<typeof CreateWebhookBody>,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  if (body.scope === 'all' && auth.role !== 'admin') {
    throw new AccordError(
      'forbidden',
      'Only administrators may receive the events of every account.',
      'scope',
    );
  }
  await assertReachable(deps, body.url);
  const existing = await deps.store.webhooks.listEndpoints(auth.userId);
  if (existing.length >= MAX_WEBHOOKS_PER_USER) {
    throw new AccordError(
      'conflict',
      `You have ${existing.length} endpoints; delete one before adding another.`,
    );
  }
  const at = new Date(deps.now()).toISOString();
  const secret = newWebhookSecret();
  const record: WebhookEndpointRecord = {
    id: newEndpointId(),
    ownerId: auth.userId,
    scope: body.scope,
    url: body.url,
    description: body.description,
    events: [...new Set(body.events)],
    secret,
    status: 'active',
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
  await deps.store.webhooks.createEndpoint(record);
  await syncWebhookMetadata(deps, auth.userId);
  return { endpoint: infoOf(record), secret };
}

export async function updateEndpoint(
  deps: EndpointDeps,
  auth: AuthContext,
  body: z.output<typeof UpdateWebhookBody>,
): Promise<WebhookEndpoint> {
  const current = await ownEndpoint(deps, auth, body.endpointId);
  if (body.url !== undefined && body.url !== current.url) await assertReachable(deps, body.url);
  const at = new Date(deps.now()).toISOString();
  if (body.enabled === false && current.status === 'active') {
    await deps.store.webhooks.disableEndpoint(current.id, 'disabled by its owner', at);
  }
  const change: EndpointChange = {
    updatedAt: at,
    ...(body.url === undefined ? {} : { url: body.url }),
    ...(body.events === undefined ? {} : { events: [...new Set(body.events)] }),
    ...(body.description === undefined ? {} : { description: body.description }),
    // Enabling starts afresh: no failure run, and nothing is carried over from the disabled time.
    ...(body.enabled === true ? { status: 'active' as const, disabledReason: null, failingSince: null } : {}),
  };
  const updated = await deps.store.webhooks.updateEndpoint(current.id, change);
  if (updated === undefined) throw notFound();
  await syncWebhookMetadata(deps, auth.userId);
  return infoOf(updated);
}

export async function deleteEndpoint(
  deps: EndpointDeps,
  auth: AuthContext,
  endpointId: string,
): Promise<void> {
  const current = await ownEndpoint(deps, auth, endpointId);
  await deps.store.webhooks.deleteEndpoint(current.id);
  await syncWebhookMetadata(deps, auth.userId);
}

/** The caller's endpoint, or 404 (also for someone else's: its existence is not theirs to learn). */
export async function ownEndpoint(
  deps: Pick<EndpointDeps, 'store'>,
  auth: AuthContext,
  endpointId: string,
): Promise<WebhookEndpointRecord> {
  const endpoint = await deps.store.webhooks.findEndpoint(endpointId);
  if (endpoint?.ownerId !== auth.userId) throw notFound();
  return endpoint;
}

function notFound(): AccordError {
  return new AccordError('not_found', 'You have no such webhook.', 'endpointId');
}

/** Refuses an address the delivery would refuse; a name that does not resolve yet is accepted. */
async function assertReachable(deps: EndpointDeps, url: string): Promise<void> {
  const checked = await checkTarget(url, deps.settings, deps.resolve);
  if (!checked.ok && !checked.retryable) {
    throw new AccordError('invalid_value', `This address cannot receive webhooks: ${checked.reason}.`, 'url');
  }
}

/** Rewrites the settings document's `webhooks` field from the table (server value, server clock). */
export async function syncWebhookMetadata(
  deps: Pick<EndpointDeps, 'store' | 'clock'>,
  userId: string,
): Promise<void> {
  const endpoints = await deps.store.webhooks.listEndpoints(userId);
  const meta: z.infer<typeof WebhookMeta>[] = endpoints.map((endpoint) => ({
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    createdAt: endpoint.createdAt,
    status: endpoint.status,
  }));
  await deps.store.writeDocument('settings', userId, (current) => {
    if (current?.deleted === true) return { result: undefined };
    const base: AnyDoc = current === undefined ? newDocument('settings', userId) : current.data;
    const data = applyLocalEdit('settings', base, { webhooks: meta }, () => deps.clock.now());
    if (data.clocks['webhooks'] === base.clocks['webhooks']) return { result: undefined };
    return { write: { data, deleted: false, ownerId: userId }, result: undefined };
  });
}
