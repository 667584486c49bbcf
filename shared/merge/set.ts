// Merge of `set` fields: union by element id, the later clock wins per element (tombstones included).
import { canonicalJson } from '../canonical.ts';
import { compareHlc } from '../hlc.ts';
import type { AnySetEntry } from '../policy/set-entry.ts';

/**
 * State-based: commutative, associative and idempotent, so no base is needed and the order in
 * which devices' edits arrive cannot matter. Equal clocks (only possible from a misbehaving
 * client) resolve to the removal, then to the canonical form, so every replica picks the same.
 */
export function mergeSets<E extends AnySetEntry>(local: readonly E[], remote: readonly E[]): E[] {
  const byId = new Map<string, E>();
  for (const entry of [...local, ...remote]) {
    const seen = byId.get(entry.id);
    byId.set(entry.id, seen === undefined ? entry : laterEntry(seen, entry));
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function laterEntry<E extends AnySetEntry>(a: E, b: E): E {
  const byClock = compareHlc(a.at, b.at);
  if (byClock !== 0) return byClock > 0 ? a : b;
  if (a.removed !== b.removed) return a.removed ? a : b;
  return canonicalJson(a) >= canonicalJson(b) ? a : b;
}

/** Adds or replaces an element, stamped with `at`. */
export function putEntry<E extends AnySetEntry>(entries: readonly E[], entry: E): E[] {
  return [...entries.filter((e) => e.id !== entry.id), entry].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Replaces an element with its tombstone: the id and clock stay, the value goes. */
export function removeEntry<E extends AnySetEntry>(entries: readonly E[], id: string, at: string): E[] {
  if (!entries.some((e) => e.id === id)) return [...entries];
  return putEntry(entries, { id, at, removed: true } as unknown as E);
}
