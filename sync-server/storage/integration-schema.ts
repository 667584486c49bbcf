// Tables of migration 0004: contact verification codes and verified addresses, webhook endpoints
// and their durable delivery queue. Timestamps are ISO strings (UTC, milliseconds), as elsewhere.

/**
 * One row per address in a profile's `emails` or `phones` (entries with the same address share it)
 * that is pending verification or verified by code.
 */
export interface ContactVerificationsTable {
  user_id: string;
  /** `email` or `phone`. */
  kind: string;
  /** Lower-case email or E.164 number: what the code was sent to and what is verified. */
  address: string;
  /** `pending` or `verified`; a partial unique index keeps one verified row per address. */
  status: string;
  /** SHA-256 of the code bound to user, kind and address; null when none was sent (throttled). */
  code_hash: string | null;
  code_sent_at: string | null;
  expires_at: string | null;
  attempts: number;
  consumed_at: string | null;
  /** Codes sent to this address in the hour that began at `send_window_started_at`. */
  send_count: number;
  send_window_started_at: string | null;
  verified_at: string | null;
  created_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  owner_id: string;
  /** `own` (events about the owner) or `all` (every account; administrators). */
  scope: string;
  url: string;
  description: string;
  /** JSON array of subscribed event types. */
  events: string;
  /** `whsec_…`: the signing key. Needed in clear to sign; never exported or shown again. */
  secret: string;
  status: string;
  disabled_reason: string | null;
  /** Start of the current run of failed attempts; null after a success. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  /** The `webhook-id`, stable across attempts. */
  id: string;
  endpoint_id: string;
  event_type: string;
  subject_id: string;
  /** The exact body sent on every attempt. */
  payload: string;
  /** pending → delivering → succeeded | failed | cancelled (pending again on a retry). */
  status: string;
  attempts: number;
  /** When pending: when the next attempt is due. When delivering: when the claim lapses. */
  next_attempt_at: string | null;
  /** After this no further retry is scheduled. */
  give_up_at: string;
  claimed_by: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
}

/** Writes waiting for the webhook fan-out (migration 0005). */
export interface WriteJournalTable {
  seq: number | string;
  collection: string;
  doc_id: string;
  before: string | null;
  after: string;
}

export interface IntegrationTables {
  contact_verifications: ContactVerificationsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  write_journal: WriteJournalTable;
}
