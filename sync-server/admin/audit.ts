// Admin actions in the audit log: security events of type `admin_action` whose detail (JSON) holds
// the action, the reason and the facts of the action; actor and target are columns of their own.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AdminAction, type AdminAuditEvent } from '#shared/contract/admin';
import type { RequestMeta } from '../accounts/context.ts';
import type { AuditEventRecord, SyncStore } from '../storage/store.ts';

export const ADMIN_ACTION_EVENT = 'admin_action';

export interface AdminActionInput {
  readonly action: AdminAction;
  /** The administrator; null for the command line. */
  readonly actorId: string | null;
  /** The account acted on; null for an action on many accounts. */
  readonly targetUserId: string | null;
  readonly reason: string;
  readonly via: 'api' | 'cli';
  readonly meta?: RequestMeta | undefined;
  /** Facts of the action (no secrets, no field values). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export function adminActionRecord(now: () => number, input: AdminActionInput): AuditEventRecord {
  return {
    id: randomUUID(),
    userId: input.targetUserId,
    type: ADMIN_ACTION_EVENT,
    at: new Date(now()).toISOString(),
    actorId: input.actorId,
    ip: input.meta?.ip ?? null,
    userAgent: input.meta?.userAgent ?? null,
    detail: JSON.stringify({ action: input.action, reason: input.reason, via: input.via, ...input.detail }),
  };
}

export async function recordAdminAction(
  deps: { readonly store: SyncStore; readonly now: () => number },
  input: AdminActionInput,
): Promise<void> {
  await deps.store.appendAuditEvent(adminActionRecord(deps.now, input));
}

const StoredDetail = z.looseObject({ action: AdminAction, reason: z.string() });

/** An audit record as the admin console shows it; undefined for a record that is not an admin action. */
export function toAdminAuditEvent(record: AuditEventRecord): AdminAuditEvent | undefined {
  if (record.type !== ADMIN_ACTION_EVENT || record.detail === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.detail);
  } catch {
    return undefined;
  }
  const detail = StoredDetail.safeParse(parsed);
  if (!detail.success) return undefined;
  const { action, reason, ...rest } = detail.data;
  return {
    id: record.id,
    at: record.at,
    actorId: record.actorId,
    targetUserId: record.userId,
    action,
    reason,
    ip: record.ip,
    userAgent: record.userAgent,
    detail: rest,
  };
}
