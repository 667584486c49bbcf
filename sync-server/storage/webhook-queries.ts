// Webhook endpoints and the durable delivery queue. Workers in any number of processes claim due
// deliveries atomically (SKIP LOCKED on PostgreSQL, the single write lock on SQLite) and hold a
// lease: a delivery whose worker died is due again when the lease lapses, with the same id.
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { DeliveredEventType, DeliveryStatus, WebhookEvent, WebhookScope } from '#shared/contract/webhooks';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './integration-schema.ts';
import type { DocumentWrite } from './observed-store.ts';
import { toSeq, toStoredDoc, toStoredTimestamp, type DocumentRow } from './rows.ts';
import type { Database } from './schema.ts';
import type { StoredDoc } from './store.ts';
import type { QueryDialect } from './contact-queries.ts';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  DeliveryFilter,
  EndpointChange,
  JournaledWrite,
  NewDelivery,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookStore,
} from './webhook-records.ts';

const StoredEvents = z.array(WebhookEvent);
const EndpointStatus = z.enum(['active', 'disabled']);

function toEndpoint(row: WebhookEndpointsTable): WebhookEndpointRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    scope: WebhookScope.parse(row.scope),
    url: row.url,
    description: row.description,
    events: StoredEvents.parse(JSON.parse(row.events)),
    secret: row.secret,
    status: EndpointStatus.parse(row.status),
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: WebhookDeliveriesTable): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: DeliveredEventType.parse(row.event_type),
    subjectId: row.subject_id,
    status: DeliveryStatus.parse(row.status),
    attempts: row.attempts,
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    payload: row.payload,
    giveUpAt: row.give_up_at,
  };
}

const finished = ['succeeded', 'failed', 'cancelled'] as const;

/** A stored document as a documents row (data as JSON text), the form `toStoredDoc` reads. */
function rowOf(doc: StoredDoc): DocumentRow {
  return {
    collection: doc.collection,
    id: doc.id,
    owner_id: doc.ownerId,
    seq: doc.seq,
    deleted: doc.deleted,
    data: JSON.stringify(doc.data),
  };
}

/** Active endpoints that receive events about `subjectId`: its own, and every `all` endpoint. */
function listeningEndpoints(db: Kysely<Database>, subjectId: string) {
  return db
    .selectFrom('webhook_endpoints')
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('owner_id', '=', subjectId), eb('scope', '=', 'all')]));
}

/**
 * Runs inside a document write's transaction: journals the write when an active endpoint may hear
 * about its owner (their own, or any `all` endpoint), so its event survives a crash right after the
 * commit. One indexed read per write when nobody listens.
 */
export async function journalWrite(trx: Kysely<Database>, seq: number, write: DocumentWrite): Promise<void> {
  const listening = await listeningEndpoints(trx, write.after.ownerId)
    .select('id')
    .limit(1)
    .executeTakeFirst();
  if (listening === undefined) return;
  const after: StoredDoc = { ...write.after, collection: write.collection, id: write.id, seq };
  await trx
    .insertInto('write_journal')
    .values({
      seq,
      collection: write.collection,
      doc_id: write.id,
      before: write.before === undefined ? null : JSON.stringify(rowOf(write.before)),
      after: JSON.stringify(rowOf(after)),
    })
    .execute();
}

export class KyselyWebhookStore implements WebhookStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: QueryDialect,
  ) {}

  async createEndpoint(endpoint: WebhookEndpointRecord): Promise<void> {
    await this.db
      .insertInto('webhook_endpoints')
      .values({
        id: endpoint.id,
        owner_id: endpoint.ownerId,
        scope: endpoint.scope,
        url: endpoint.url,
        description: endpoint.description,
        events: JSON.stringify(endpoint.events),
        secret: endpoint.secret,
        status: endpoint.status,
        disabled_reason: endpoint.disabledReason,
        failing_since: endpoint.failingSince === null ? null : toStoredTimestamp(endpoint.failingSince),
        created_at: toStoredTimestamp(endpoint.createdAt),
        updated_at: toStoredTimestamp(endpoint.updatedAt),
      })
      .execute();
  }

  async listEndpoints(ownerId: string): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toEndpoint);
  }

  async findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async updateEndpoint(id: string, change: EndpointChange): Promise<WebhookEndpointRecord | undefined> {
    const stamp = (value: string | null) => (value === null ? null : toStoredTimestamp(value));
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set({
        updated_at: toStoredTimestamp(change.updatedAt),
        ...(change.url === undefined ? {} : { url: change.url }),
        ...(change.events === undefined ? {} : { events: JSON.stringify(change.events) }),
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(change.status === undefined ? {} : { status: change.status }),
        ...(change.disabledReason === undefined ? {} : { disabled_reason: change.disabledReason }),
        ...(change.failingSince === undefined ? {} : { failing_since: stamp(change.failingSince) }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async endpointsFor(subjectId: string): Promise<WebhookEndpointRecord[]> {
    const rows = await listeningEndpoints(this.db, subjectId).selectAll().orderBy('id').execute();
    return rows.map(toEndpoint);
  }

  async enqueue(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((delivery) => ({
          id: delivery.id,
          endpoint_id: delivery.endpointId,
          event_type: delivery.eventType,
          subject_id: delivery.subjectId,
          payload: delivery.payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: toStoredTimestamp(delivery.createdAt),
          give_up_at: toStoredTimestamp(delivery.giveUpAt),
          claimed_by: null,
          created_at: toStoredTimestamp(delivery.createdAt),
          last_attempt_at: null,
          delivered_at: null,
          last_status_code: null,
          last_error: null,
        })),
      )
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }

  async journaledWrites(limit: number): Promise<JournaledWrite[]> {
    const rows = await this.db.selectFrom('write_journal').selectAll().orderBy('seq').limit(limit).execute();
    return rows.map((row) => {
      const after = toStoredDoc(JSON.parse(row.after) as DocumentRow);
      return {
        seq: toSeq(row.seq),
        write: {
          collection: after.collection,
          id: after.id,
          before: row.before === null ? undefined : toStoredDoc(JSON.parse(row.before) as DocumentRow),
          after: { data: after.data, deleted: after.deleted, ownerId: after.ownerId },
        },
      };
    });
  }

  async forgetJournaled(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db
      .deleteFrom('write_journal')
      .where('seq', 'in', [...seqs])
      .execute();
  }

  claimDue(worker: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    const at = toStoredTimestamp(now);
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'delivering'])
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .limit(limit)
        // Rows another process is claiming right now are skipped, not waited for.
        .$if(this.dialect.name === 'postgres', (query) => query.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];
      const rows = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: 'delivering',
          claimed_by: worker,
          next_attempt_at: toStoredTimestamp(leaseUntil),
          last_attempt_at: at,
          attempts: eb('attempts', '+', 1),
        }))
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .returningAll()
        .execute();
      const endpointIds = [...new Set(rows.map((row) => row.endpoint_id))];
      const endpoints = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', 'in', endpointIds)
        .execute();
      const byId = new Map(endpoints.map((row) => [row.id, toEndpoint(row)]));
      return rows
        .map((row) => ({ delivery: toDelivery(row), endpoint: byId.get(row.endpoint_id) }))
        .sort((a, b) => (a.delivery.createdAt < b.delivery.createdAt ? -1 : 1));
    });
  }

  async finishAttempt(id: string, worker: string, outcome: AttemptOutcome): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        claimed_by: null,
        next_attempt_at: outcome.nextAttemptAt === null ? null : toStoredTimestamp(outcome.nextAttemptAt),
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
        ...(outcome.status === 'succeeded' ? { delivered_at: toStoredTimestamp(outcome.at) } : {}),
      })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .where('status', '=', 'delivering')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async noteFailure(endpointId: string, at: string): Promise<string | undefined> {
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(toStoredTimestamp(at))) }))
      .where('id', '=', endpointId)
      .returning('failing_since')
      .executeTakeFirst();
    return row?.failing_since ?? undefined;
  }

  async noteSuccess(endpointId: string): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ failing_since: null })
      .where('id', '=', endpointId)
      .where('failing_since', 'is not', null)
      .execute();
  }

  disableEndpoint(id: string, reason: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('webhook_endpoints')
        .set({ status: 'disabled', disabled_reason: reason, updated_at: toStoredTimestamp(at) })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'cancelled', next_attempt_at: null, last_error: `not sent: ${reason}` })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      return true;
    });
  }

  async listDeliveries(endpointId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status ?? 'pending'))
      .$if(filter.before !== undefined, (query) =>
        query.where('created_at', '<', toStoredTimestamp(filter.before ?? '')),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(toDelivery);
  }

  async findDelivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async requeue(id: string, at: string, giveUpAt: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        next_attempt_at: toStoredTimestamp(at),
        give_up_at: toStoredTimestamp(giveUpAt),
        claimed_by: null,
      })
      .where('id', '=', id)
      .where('status', 'in', [...finished, 'pending'])
      .returningAll()
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async pruneDeliveries(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_deliveries')
      .where('created_at', '<', toStoredTimestamp(before))
      .where('status', 'in', [...finished])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
