// Which webhook events a committed document write raises, and the payload data each endpoint may
// receive: the names and projected values of changed fields the endpoint's owner could read through
// the API (their own account: everything but `owner`-level fields; an administrator's endpoint for
// all accounts: what an administrator may read). Nothing hidden from that owner is ever included.
import { deepEqual } from '#shared/canonical';
import type { WebhookEvent } from '#shared/contract/webhooks';
import { VisibilityChoices } from '#shared/entities/settings';
import { effectiveVisibility, project } from '#shared/policy/project';
import {
  AccountDoc,
  fieldsOf,
  replicatedFieldNames,
  type AnyDoc,
  type EntityName,
} from '#shared/policy/table';
import type { ViewerRelation } from '#shared/visibility';
import type { DocumentWrite } from '../storage/observed-store.ts';

/** How the endpoint's owner relates to the account the event is about. */
export type Reader = 'self' | 'admin';

export interface EventDraft {
  readonly type: WebhookEvent;
  readonly subjectId: string;
  /** The payload `data` for a reader, or undefined when nothing of the change is theirs to see. */
  data(reader: Reader, choices: VisibilityChoices | undefined): Record<string, unknown> | undefined;
}

/** Server-maintained metadata that would only echo the endpoints back to themselves. */
const QUIET_FIELDS: Readonly<Record<string, readonly string[]>> = { settings: ['webhooks'] };

export function eventsOf(write: DocumentWrite): EventDraft[] {
  const { collection, before, after } = write;
  const subjectId = after.ownerId;
  if (collection === 'accounts')
    return accountEvents(subjectId, before?.deleted === false ? before.data : undefined, after);
  // A new document is an account being created; a deleted one an account being purged.
  if (before === undefined || before.deleted || after.deleted) return [];
  const entity: EntityName = collection === 'profiles' ? 'profile' : 'settings';
  const changed = changedFields(entity, before.data, after.data);
  if (changed.length === 0) return [];
  const type: WebhookEvent = entity === 'profile' ? 'profile.updated' : 'settings.updated';
  return [
    {
      type,
      subjectId,
      data: (reader, choices) => {
        const values = readableValues(entity, after.data, reader, entity === 'profile' ? choices : undefined);
        const visible = changed.filter((name) => Object.hasOwn(values, name));
        if (visible.length === 0) return undefined;
        const fields = Object.fromEntries(visible.map((name) => [name, values[name]]));
        return { userId: subjectId, changedFields: visible, [entity]: fields };
      },
    },
  ];
}

function changedFields(entity: EntityName, before: AnyDoc, after: AnyDoc): string[] {
  const quiet = QUIET_FIELDS[entity] ?? [];
  return replicatedFieldNames(entity).filter(
    (name) => !quiet.includes(name) && !deepEqual(before[name], after[name]),
  );
}

/**
 * The fields and values `reader` may read. For the account's own endpoints `owner`-level fields
 * are left out too: webhooks are an integration channel, and those fields stay on the owner's devices.
 */
export function readableValues(
  entity: EntityName,
  doc: AnyDoc,
  reader: Reader,
  choices: VisibilityChoices | undefined,
): Record<string, unknown> {
  const relation: ViewerRelation = reader === 'self' ? 'self' : 'admin';
  const projected = project(entity, doc, relation, choices);
  if (projected === null) return {};
  const policies = fieldsOf(entity);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(projected)) {
    const policy = policies[name];
    if (name === 'id' || name === 'clocks' || policy === undefined) continue;
    if (effectiveVisibility(policy, name, choices) === 'owner') continue;
    out[name] = value;
  }
  return out;
}

function accountEvents(
  subjectId: string,
  before: AnyDoc | undefined,
  after: DocumentWrite['after'],
): EventDraft[] {
  const previous = AccountDoc.safeParse(before);
  if (!previous.success) return [];
  if (after.deleted) {
    return [fixed('account.deleted', subjectId, { userId: subjectId, stage: 'purged', deletionDueAt: null })];
  }
  const next = AccountDoc.safeParse(after.data);
  if (!next.success) return [];
  const events: EventDraft[] = [];
  if (next.data.email !== previous.data.email) {
    events.push(
      fixed('account.email_changed', subjectId, {
        userId: subjectId,
        email: next.data.email,
        previousEmail: previous.data.email,
      }),
    );
  }
  if (next.data.status === 'pending-deletion' && previous.data.status !== 'pending-deletion') {
    events.push(
      fixed('account.deleted', subjectId, {
        userId: subjectId,
        stage: 'scheduled',
        deletionDueAt: next.data.deletionDueAt,
      }),
    );
  }
  return events;
}

/** Account fields are `private`: the owner and administrators read them alike. */
function fixed(type: WebhookEvent, subjectId: string, data: Record<string, unknown>): EventDraft {
  return { type, subjectId, data: () => data };
}

/** The subject's visibility choices from their settings document. */
export function choicesOf(settings: AnyDoc | undefined): VisibilityChoices | undefined {
  const parsed = VisibilityChoices.safeParse(settings?.visibility);
  return parsed.success ? parsed.data : undefined;
}
