// The records of the webhook store: endpoints, queued deliveries, claims and attempt outcomes,
// and the interface the server's webhook module is written against.
import type {
  DeliveredEventType,
  DeliveryStatus,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
} from '#shared/contract/webhooks';
import type { DocumentWrite } from './observed-store.ts';

export interface WebhookEndpointRecord extends WebhookEndpoint {
  readonly ownerId: string;
  readonly secret: string;
  readonly updatedAt: string;
}

export type WebhookDeliveryRecord = WebhookDelivery & { readonly giveUpAt: string };

export interface NewDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventType: DeliveredEventType;
  readonly subjectId: string;
  readonly payload: string;
  readonly createdAt: string;
  readonly giveUpAt: string;
}

export interface ClaimedDelivery {
  readonly delivery: WebhookDeliveryRecord;
  /** Undefined when the endpoint was deleted meanwhile. */
  readonly endpoint: WebhookEndpointRecord | undefined;
}

/** How an attempt ended: delivered, retried at `nextAttemptAt`, or given up (`failed`/`cancelled`). */
export interface AttemptOutcome {
  readonly status: 'succeeded' | 'pending' | 'failed' | 'cancelled';
  readonly at: string;
  readonly nextAttemptAt: string | null;
  readonly statusCode: number | null;
  readonly error: string | null;
}

export interface EndpointChange {
  readonly url?: string;
  readonly events?: readonly WebhookEvent[];
  readonly description?: string;
  readonly status?: WebhookEndpoint['status'];
  readonly disabledReason?: string | null;
  readonly failingSince?: string | null;
  readonly updatedAt: string;
}

export interface DeliveryFilter {
  readonly status?: DeliveryStatus;
  readonly before?: string;
  readonly limit: number;
}

/** A committed document write waiting for the webhook fan-out. */
export interface JournaledWrite {
  readonly seq: number;
  readonly write: DocumentWrite;
}

export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listEndpoints(ownerId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  updateEndpoint(id: string, change: EndpointChange): Promise<WebhookEndpointRecord | undefined>;
  deleteEndpoint(id: string): Promise<boolean>;
  /** Active endpoints that receive events about `subjectId`: its own, and every `all` endpoint. */
  endpointsFor(subjectId: string): Promise<WebhookEndpointRecord[]>;
  /** Queues deliveries; one whose id is queued already is skipped (a journal entry fanned out twice). */
  enqueue(deliveries: readonly NewDelivery[]): Promise<void>;
  /** Journaled writes the fan-out has not handled yet, oldest first (see migration 0005). */
  journaledWrites(limit: number): Promise<JournaledWrite[]>;
  /** Removes journal entries the fan-out has handled. */
  forgetJournaled(seqs: readonly number[]): Promise<void>;
  /** Claims up to `limit` due deliveries for `worker` until `leaseUntil`, counting an attempt each. */
  claimDue(worker: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt's end; false when the claim was lost (the lease lapsed and another took it). */
  finishAttempt(id: string, worker: string, outcome: AttemptOutcome): Promise<boolean>;
  /** Starts (or continues) the endpoint's run of failures; returns when the run began. */
  noteFailure(endpointId: string, at: string): Promise<string | undefined>;
  noteSuccess(endpointId: string): Promise<void>;
  /** Disables an active endpoint and cancels its queued deliveries; true for the one call that did. */
  disableEndpoint(id: string, reason: string, at: string): Promise<boolean>;
  listDeliveries(endpointId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]>;
  findDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Queues a finished delivery again (same id); undefined when it is in flight or gone. */
  requeue(id: string, at: string, giveUpAt: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Removes finished deliveries created before `before`. */
  pruneDeliveries(before: string): Promise<number>;
}
