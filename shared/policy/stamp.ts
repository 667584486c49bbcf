// Local edits: apply a patch to a document and stamp each changed field with a fresh clock.
import { deepEqual } from '../canonical.ts';
import type { Hlc } from '../hlc.ts';
import { putEntry, removeEntry } from '../merge/set.ts';
import type { AnySetEntry } from './set-entry.ts';
import { policyOf, type AnyDoc, type EntityName } from './table.ts';

/**
 * Returns `doc` with `patch` applied; every field whose value changed gets the clock `now()`
 * (one call per changed field keeps stamps strictly increasing). Unchanged fields keep theirs.
 */
export function applyLocalEdit<D extends AnyDoc>(
  entity: EntityName,
  doc: D,
  patch: Readonly<Partial<Record<string, unknown>>>,
  now: () => Hlc,
): D {
  const next: Record<string, unknown> = { ...doc };
  const clocks = { ...doc.clocks };
  for (const [name, value] of Object.entries(patch)) {
    if (policyOf(entity, name) === undefined) throw new Error(`${entity} has no field ${name}`);
    if (deepEqual(doc[name], value)) continue;
    next[name] = value;
    clocks[name] = now();
  }
  next.clocks = clocks;
  return next as D;
}

/** Adds or replaces one element of a set field, stamped with `at`. */
export function withEntry<E extends AnySetEntry>(entries: readonly E[], entry: Omit<E, 'at'>, at: Hlc): E[] {
  return putEntry(entries, { ...entry, at } as E);
}

/** Removes one element of a set field, leaving a tombstone stamped with `at`. */
export function withoutEntry<E extends AnySetEntry>(entries: readonly E[], id: string, at: Hlc): E[] {
  return removeEntry(entries, id, at);
}
