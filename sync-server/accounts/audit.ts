// The security audit log: who did what to which account, when, from where; owners read their own.
import { randomUUID } from 'node:crypto';
import type { securityEventTypes } from '#shared/contract/auth';
import type { AuditEventRecord } from '../storage/store.ts';
import { nowIso, type AccountDeps, type RequestMeta } from './context.ts';

export type SecurityEventType = (typeof securityEventTypes)[number];

export interface SecurityEventInput {
  readonly type: SecurityEventType;
  /** The account concerned; null for a failed sign-in to an address no account has. */
  readonly userId: string | null;
  /** Who acted, when not the owner (an administrator, or the system for the purge). */
  readonly actorId?: string | null;
  readonly meta?: RequestMeta;
  /** A short note without personal data or secrets (e.g. "recovery code", "3 sessions"). */
  readonly detail?: string;
}

export function auditRecord(deps: Pick<AccountDeps, 'now'>, event: SecurityEventInput): AuditEventRecord {
  return {
    id: randomUUID(),
    userId: event.userId,
    type: event.type,
    at: nowIso(deps),
    actorId: event.actorId === undefined ? event.userId : event.actorId,
    ip: event.meta?.ip ?? null,
    userAgent: event.meta?.userAgent ?? null,
    detail: event.detail ?? null,
  };
}

export async function audit(deps: AccountDeps, event: SecurityEventInput): Promise<void> {
  await deps.store.appendAuditEvent(auditRecord(deps, event));
}
