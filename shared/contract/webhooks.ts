// The webhook contract: endpoints that receive signed event notices (Standard Webhooks), their
// delivery log, and the payload each event carries. A payload holds only what the endpoint's owner
// may read through the API: never an `owner`-level field, never another user's hidden field.
import { z } from 'zod';
import { webhookEvents } from '../entities/settings.ts';
import { Timestamp, UserId } from '../entities/values.ts';
import { Accepted } from './auth.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

export { webhookEvents };
export const WebhookEvent = z.enum(webhookEvents);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
/** Sent on request from the delivery screen; every endpoint accepts it, none subscribes to it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
export const deliveredEventTypes = [...webhookEvents, WEBHOOK_TEST_EVENT] as const;
export const DeliveredEventType = z.enum(deliveredEventTypes);
export type DeliveredEventType = z.infer<typeof DeliveredEventType>;

/** `own`: events about the owner's account; `all`: about every account (administrators only). */
export const webhookScopes = ['own', 'all'] as const;
export const WebhookScope = z.enum(webhookScopes);
export type WebhookScope = z.infer<typeof WebhookScope>;

export const MAX_WEBHOOKS_PER_USER = 20;

export const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'enter a web address starting with https://' })
  .max(2048)
  .refine((value) => !/^[a-z]+:\/\/[^/?#]*@/i.test(value), {
    error: 'the address may not contain a user name or password',
  });

export const WebhookEndpointId = z.string().regex(/^ep_[A-Za-z0-9_-]{10,40}$/, 'not a webhook id');
export const WebhookDeliveryId = z.string().regex(/^msg_[A-Za-z0-9_-]{10,40}$/, 'not a delivery id');
/** `whsec_` and the base64 of 32 random bytes: the HMAC-SHA256 key, shown once when created. */
export const WebhookSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]{43}=$/, 'not a webhook secret');

export const webhookStatuses = ['active', 'disabled'] as const;
export const WebhookEndpoint = z.object({
  id: WebhookEndpointId,
  url: z.string(),
  description: z.string(),
  events: z.array(WebhookEvent),
  scope: WebhookScope,
  status: z.enum(webhookStatuses),
  /** Why the endpoint was disabled: by its owner, or by the server after failing for too long. */
  disabledReason: z.string().nullable(),
  createdAt: Timestamp,
  /** Start of the current run of failed attempts (null after a success). */
  failingSince: Timestamp.nullable(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const deliveryStatuses = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] as const;
export const DeliveryStatus = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookDelivery = z.object({
  /** The `webhook-id` header: the same on every attempt, so receivers can drop duplicates. */
  id: WebhookDeliveryId,
  endpointId: WebhookEndpointId,
  eventType: DeliveredEventType,
  /** The account the event is about. */
  subjectId: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int().nonnegative(),
  createdAt: Timestamp,
  lastAttemptAt: Timestamp.nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** The JSON body, exactly as sent. */
  payload: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

// The payloads: `{type, timestamp, data}` as Standard Webhooks recommends.
const changed = { userId: UserId, changedFields: z.array(z.string()) };
export const webhookPayloadSchemas = {
  'profile.updated': z.object({ ...changed, profile: z.record(z.string(), z.unknown()) }),
  'settings.updated': z.object({ ...changed, settings: z.record(z.string(), z.unknown()) }),
  'account.email_changed': z.object({ userId: UserId, email: z.string(), previousEmail: z.string() }),
  'account.deleted': z.object({
    userId: UserId,
    /** `scheduled`: deletion requested (grace period); `purged`: personal data erased. */
    stage: z.enum(['scheduled', 'purged']),
    deletionDueAt: Timestamp.nullable(),
  }),
  'webhook.test': z.object({ endpointId: WebhookEndpointId, message: z.string() }),
} as const satisfies Record<DeliveredEventType, z.ZodType>;

export const WebhookPayload = z.object({
  type: DeliveredEventType,
  timestamp: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

const E = { ...commonErrors, ...authErrors };
const tags = ['integrations'] as const;
const NotFound = { 404: 'No such webhook of yours.' };

export const CreateWebhookBody = z.object({
  url: WebhookUrl,
  events: z.array(WebhookEvent).min(1).max(webhookEvents.length),
  description: z.string().trim().max(200).default(''),
  scope: WebhookScope.default('own'),
});

export const UpdateWebhookBody = z.object({
  endpointId: WebhookEndpointId,
  url: WebhookUrl.optional(),
  events: z.array(WebhookEvent).min(1).max(webhookEvents.length).optional(),
  description: z.string().trim().max(200).optional(),
  /** false disables the endpoint; true enables it again and starts a fresh failure count. */
  enabled: z.boolean().optional(),
});

export const webhookRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/api/webhooks',
    auth: 'session',
    tags,
    summary: 'Your webhook endpoints',
    responses: { 200: z.object({ endpoints: z.array(WebhookEndpoint) }) },
    errors: E,
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/webhooks',
    auth: 'session',
    tags,
    summary: 'Register an endpoint; its signing secret is shown once',
    description:
      'Each delivery is a POST with the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and ' +
      '`webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed with the secret). ' +
      'The address must be https and must not point at a private, loopback or link-local network. ' +
      '`scope: all` (administrators only) receives the events of every account.',
    body: CreateWebhookBody,
    responses: { 201: z.object({ endpoint: WebhookEndpoint, secret: WebhookSecret }) },
    errors: {
      ...E,
      400: 'The address is not https, or it points at a private network.',
      409: `You have ${MAX_WEBHOOKS_PER_USER} endpoints already.`,
    },
  }),
  update: defineRoute({
    method: 'POST',
    path: '/api/webhooks/update',
    auth: 'session',
    tags,
    summary: 'Change an endpoint: address, events, description, or enable/disable it',
    body: UpdateWebhookBody,
    responses: { 200: z.object({ endpoint: WebhookEndpoint }) },
    errors: { ...E, ...NotFound, 400: 'The address is not https, or it points at a private network.' },
  }),
  remove: defineRoute({
    method: 'POST',
    path: '/api/webhooks/delete',
    auth: 'session',
    tags,
    summary: 'Delete an endpoint and its delivery log; queued deliveries are dropped',
    body: z.object({ endpointId: WebhookEndpointId }),
    responses: { 200: Accepted },
    errors: { ...E, ...NotFound },
  }),
  test: defineRoute({
    method: 'POST',
    path: '/api/webhooks/test',
    auth: 'session',
    tags,
    summary: 'Queue a `webhook.test` event to an endpoint',
    body: z.object({ endpointId: WebhookEndpointId }),
    responses: { 202: z.object({ delivery: WebhookDelivery }) },
    errors: { ...E, ...NotFound, 409: 'The endpoint is disabled.' },
  }),
  deliveries: defineRoute({
    method: 'GET',
    path: '/api/webhooks/deliveries',
    auth: 'session',
    tags,
    summary: "An endpoint's delivery log, newest first",
    query: z.object({
      endpointId: WebhookEndpointId,
      status: DeliveryStatus.optional(),
      before: Timestamp.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    responses: { 200: z.object({ deliveries: z.array(WebhookDelivery) }) },
    errors: { ...E, ...NotFound },
  }),
  resend: defineRoute({
    method: 'POST',
    path: '/api/webhooks/deliveries/resend',
    auth: 'session',
    tags,
    summary: 'Deliver a logged event again, with the same `webhook-id`',
    body: z.object({ deliveryId: WebhookDeliveryId }),
    responses: { 202: z.object({ delivery: WebhookDelivery }) },
    errors: { ...E, 404: 'No such delivery of yours.', 409: 'The endpoint is disabled.' },
  }),
} as const;
