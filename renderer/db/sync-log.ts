// What sync decided, kept on the device so the sync panel can show it after a restart: merge
// decisions (which value won and why), server rejections, the last known server state of each
// document (to count changes not yet pushed) and the time of the last successful sync.
import { z } from 'zod';
import { RejectionCode } from '#shared/policy/validate-push';
import { localKey } from './local-store.ts';

const MAX_ENTRIES = 50;

export const ConflictEntry = z.object({
  id: z.string(),
  at: z.number(),
  collection: z.enum(['profiles', 'settings']),
  field: z.string(),
  rule: z.string(),
  winner: z.enum(['local', 'remote', 'merged']),
  reason: z.string(),
  local: z.unknown(),
  remote: z.unknown(),
  result: z.unknown(),
});
export type ConflictEntry = z.infer<typeof ConflictEntry>;

export const RejectionEntry = z.object({
  id: z.string(),
  at: z.number(),
  collection: z.enum(['profiles', 'settings']),
  field: z.string(),
  code: RejectionCode,
  message: z.string(),
  /** The value this device tried to write, so "edit again" can start from it. */
  attempted: z.unknown(),
});
export type RejectionEntry = z.infer<typeof RejectionEntry>;

export const conflictLog = localKey('sync-conflicts', z.object({ entries: z.array(ConflictEntry) }), {
  entries: [],
});
export const rejectionLog = localKey('sync-rejections', z.object({ entries: z.array(RejectionEntry) }), {
  entries: [],
});

/** The server's state of each own document as last seen (pulled, or acknowledged after a push). */
export const MasterState = z.object({ docs: z.record(z.string(), z.record(z.string(), z.unknown())) });
export type MasterState = z.infer<typeof MasterState>;
export const masterStates = {
  profiles: localKey('master-profiles', MasterState, { docs: {} }),
  settings: localKey('master-settings', MasterState, { docs: {} }),
};

export const syncMeta = localKey('sync-meta', z.object({ lastSyncAt: z.number().nullable() }), {
  lastSyncAt: null,
});

export function appendCapped<T>(entries: readonly T[], added: readonly T[]): T[] {
  return [...added, ...entries].slice(0, MAX_ENTRIES);
}

let counter = 0;
export function entryId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
