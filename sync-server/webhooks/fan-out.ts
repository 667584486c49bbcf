// Turns a journaled document write into queued deliveries: one per event and subscribed endpoint,
// each payload built for that endpoint's owner and frozen, so every retry sends the same bytes. The
// ids come from the journal entry, so fanning one entry out twice (a crash before it was removed)
// queues each delivery once.
import { createHash } from 'node:crypto';
import type { DeliveredEventType } from '#shared/contract/webhooks';
import type {
  JournaledWrite,
  NewDelivery,
  SyncStore,
  UserRecord,
  WebhookEndpointRecord,
} from '../storage/store.ts';
import { choicesOf, eventsOf, type EventDraft, type Reader } from './events.ts';
import { newDeliveryId } from './signature.ts';

export interface FanOutDeps {
  readonly store: SyncStore;
  readonly now: () => number;
  readonly retryForMs: number;
  /** A queue insert failed (e.g. the endpoint was deleted a moment ago); the others still count. */
  readonly onError: (error: unknown) => void;
}

/** Queues the deliveries a journaled write raises; returns how many. */
export async function fanOut(deps: FanOutDeps, { seq, write }: JournaledWrite): Promise<number> {
  const drafts = eventsOf(write);
  const first = drafts[0];
  if (first === undefined) return 0;
  const subjectId = first.subjectId;
  const endpoints = await deps.store.webhooks.endpointsFor(subjectId);
  if (endpoints.length === 0) return 0;
  const settings = await deps.store.getDocument('settings', subjectId);
  const choices = choicesOf(settings?.deleted === false ? settings.data : undefined);
  const owners = new Map<string, UserRecord | undefined>();
  const ownerOf = async (id: string) => {
    if (!owners.has(id)) owners.set(id, await deps.store.findUser(id));
    return owners.get(id);
  };

  const deliveries: NewDelivery[] = [];
  for (const endpoint of endpoints) {
    for (const draft of drafts) {
      if (!endpoint.events.includes(draft.type)) continue;
      const reader = readerOf(endpoint, draft, await ownerOf(endpoint.ownerId));
      if (reader === undefined) continue;
      const data = draft.data(reader, choices);
      if (data === undefined) continue;
      const id = journaledDeliveryId(seq, endpoint.id, draft.type);
      deliveries.push(newDelivery(deps, endpoint, draft.type, subjectId, data, id));
    }
  }
  // One insert per endpoint: an endpoint deleted meanwhile fails alone.
  const batches = new Map<string, NewDelivery[]>();
  for (const delivery of deliveries) {
    batches.set(delivery.endpointId, [...(batches.get(delivery.endpointId) ?? []), delivery]);
  }
  let queued = 0;
  for (const batch of batches.values()) {
    try {
      await deps.store.webhooks.enqueue(batch);
      queued += batch.length;
    } catch (error) {
      deps.onError(error);
    }
  }
  return queued;
}

/**
 * How the endpoint's owner may read the subject, or undefined when the endpoint gets nothing:
 * a suspended owner's endpoints fall silent; `all` needs an administrator still; a purged
 * account's own endpoints are gone with it.
 */
function readerOf(
  endpoint: WebhookEndpointRecord,
  draft: EventDraft,
  owner: UserRecord | undefined,
): Reader | undefined {
  if (owner === undefined) return undefined;
  if (endpoint.ownerId === draft.subjectId) {
    // The owner's last notice, about their own deletion, still goes out while the grace period runs.
    const usable =
      owner.status === 'active' || (owner.status === 'pending-deletion' && draft.type === 'account.deleted');
    return usable ? 'self' : undefined;
  }
  return endpoint.scope === 'all' && owner.role === 'admin' && owner.status === 'active'
    ? 'admin'
    : undefined;
}

/** The `webhook-id` of one event of a journal entry for one endpoint: the same every time. */
function journaledDeliveryId(seq: number, endpointId: string, type: DeliveredEventType): string {
  const digest = createHash('sha256')
    .update(`${String(seq)}\n${endpointId}\n${type}`)
    .digest('base64url');
  return `msg_${digest.slice(0, 22)}`;
}

export function newDelivery(
  deps: Pick<FanOutDeps, 'now' | 'retryForMs'>,
  endpoint: WebhookEndpointRecord,
  type: DeliveredEventType,
  subjectId: string,
  data: Record<string, unknown>,
  id: string = newDeliveryId(),
): NewDelivery {
  const now = deps.now();
  const createdAt = new Date(now).toISOString();
  return {
    id,
    endpointId: endpoint.id,
    eventType: type,
    subjectId,
    payload: JSON.stringify({ type, timestamp: createdAt, data }),
    createdAt,
    giveUpAt: new Date(now + deps.retryForMs).toISOString(),
  };
}
