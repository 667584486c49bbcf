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

/**
 * The newer of two server states of one document, field by field. A pull answered from a read made
 * before a push committed can arrive after that push's answer; taken whole, it would make the
 * pushed fields look unsent again. The server only ever moves a field's clock forward, so per field
 * the later clock is the newer state.
 */
export function laterMasterState(
  known: Readonly<Record<string, unknown>> | undefined,
  incoming: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  if (known === undefined) return { ...incoming };
  const knownClocks = clocksOf(known);
  const incomingClocks = clocksOf(incoming);
  const merged: Record<string, unknown> = { ...known, id: incoming.id };
  const clocks: Record<string, unknown> = { ...knownClocks };
  for (const [field, clock] of Object.entries(incomingClocks)) {
    const current = knownClocks[field];
    if (typeof current === 'string' && typeof clock === 'string' && clock < current) continue;
    merged[field] = incoming[field];
    clocks[field] = clock;
  }
  merged.clocks = clocks;
  return merged;
}
