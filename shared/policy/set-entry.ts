// Elements of `set` fields: add/remove with tombstones, each element stamped with its own clock.
import { z } from 'zod';
import { Hlc } from '../hlc.ts';

export const EntryId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'entry id: 1–64 letters, digits, _ or -');

/**
 * A set element. A removed element keeps only its id and clock (a tombstone) so a concurrent
 * add and remove resolve by clock, and the removed value itself does not linger.
 */
export function setEntry<V extends z.ZodType>(value: V) {
  return z.union([
    z.strictObject({ id: EntryId, at: Hlc, removed: z.literal(false), value }),
    z.strictObject({ id: EntryId, at: Hlc, removed: z.literal(true) }),
  ]);
}

/** A set of ids only (contacts, blocked users): the element is its id. */
export const IdEntry = z.strictObject({ id: EntryId, at: Hlc, removed: z.boolean() });

export const MAX_SET_ENTRIES = 500;

export function setOf<V extends z.ZodType>(value: V, max = MAX_SET_ENTRIES) {
  return z.array(setEntry(value)).max(max).refine(uniqueIds, { error: 'each entry id must appear once' });
}

export function idSetOf(max = MAX_SET_ENTRIES) {
  return z.array(IdEntry).max(max).refine(uniqueIds, { error: 'each id must appear once' });
}

function uniqueIds(entries: readonly { id: string }[]): boolean {
  return new Set(entries.map((e) => e.id)).size === entries.length;
}

export interface AnySetEntry {
  readonly id: string;
  readonly at: string;
  readonly removed: boolean;
  readonly value?: unknown;
}

/** The elements a user sees: tombstones filtered out. */
export function liveEntries<E extends AnySetEntry>(entries: readonly E[]): E[] {
  return entries.filter((entry) => !entry.removed);
}
