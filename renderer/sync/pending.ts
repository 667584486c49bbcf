// Counts local changes the server has not acknowledged: fields whose clock differs from the
// last known server state of the document.
import { deepEqual } from '#shared/canonical';
import type { MasterState } from '../db/sync-log.ts';

function clocksOf(doc: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const clocks = doc?.clocks;
  return typeof clocks === 'object' && clocks !== null ? (clocks as Record<string, unknown>) : {};
}

export function pendingFields(
  local: Readonly<Record<string, unknown>>,
  master: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const localClocks = clocksOf(local);
  const masterClocks = clocksOf(master);
  return Object.keys(localClocks).filter(
    (field) => localClocks[field] !== masterClocks[field] || !deepEqual(local[field], master?.[field]),
  );
}

export function countPending(
  docs: readonly Readonly<Record<string, unknown>>[],
  masters: MasterState,
): number {
  return docs.reduce((sum, doc) => sum + pendingFields(doc, masters.docs[String(doc.id)]).length, 0);
}
