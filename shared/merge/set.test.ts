// Set merge: union by id, later clock per element, tombstones; a state-based CRDT join.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical.ts';
import { compareHlc, formatHlc } from '../hlc.ts';
import type { AnySetEntry } from '../policy/set-entry.ts';
import { liveEntries } from '../policy/set-entry.ts';
import { withEntry, withoutEntry } from '../policy/stamp.ts';
import { arbClock, arbEmailValue, arbSetEntries } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import { mergeSets, putEntry, removeEntry } from './set.ts';

const T = 1_750_000_000_000;
const at = (offset: number, node = 'dev') => formatHlc({ wall: T + offset, counter: 0, node });
const live = (id: string, offset: number, value: unknown = id): AnySetEntry => ({
  id,
  at: at(offset),
  removed: false,
  value,
});
const tomb = (id: string, offset: number): AnySetEntry => ({ id, at: at(offset), removed: true });

const arbSet = arbSetEntries({ value: arbEmailValue, clock: arbClock(0, 4) });
function same(a: unknown, b: unknown): void {
  expect(canonicalJson(a)).toBe(canonicalJson(b));
}

describe('mergeSets (unit)', () => {
  it('keeps a concurrent add and a remove of different ids', () => {
    const base = [live('a', 0), live('b', 0)];
    const local = putEntry(base, live('c', 2)); // adds c
    const remote = removeEntry(base, 'a', at(3)); // removes a
    const merged = mergeSets(local, remote);
    expect(liveEntries(merged).map((e) => e.id)).toEqual(['b', 'c']);
    expect(merged.find((e) => e.id === 'a')).toEqual(tomb('a', 3));
  });

  it('resolves add vs remove of the same id by clock', () => {
    expect(mergeSets([live('a', 5)], [tomb('a', 4)])).toEqual([live('a', 5)]);
    expect(mergeSets([live('a', 4)], [tomb('a', 5)])).toEqual([tomb('a', 5)]);
    // A re-add after a removal wins when it is later.
    expect(mergeSets([tomb('a', 4)], [live('a', 6, 'again')])).toEqual([live('a', 6, 'again')]);
  });

  it('lets the removal win an exact clock tie, whichever side it comes from', () => {
    expect(mergeSets([live('a', 4)], [tomb('a', 4)])).toEqual([tomb('a', 4)]);
    expect(mergeSets([tomb('a', 4)], [live('a', 4)])).toEqual([tomb('a', 4)]);
  });

  it('breaks a tie between two live values canonically, the same on both sides', () => {
    const x = live('a', 4, { label: 'x' });
    const y = live('a', 4, { label: 'y' });
    expect(mergeSets([x], [y])).toEqual(mergeSets([y], [x]));
  });

  it('returns elements sorted by id', () => {
    const merged = mergeSets([live('c', 1), live('a', 1)], [live('b', 1)]);
    expect(merged.map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('does not mutate its inputs', () => {
    const local = [live('b', 1), live('a', 1)];
    const copy = structuredClone(local);
    mergeSets(local, [tomb('a', 2)]);
    expect(local).toEqual(copy);
  });
});

describe('putEntry / removeEntry / withEntry / withoutEntry', () => {
  it('putEntry adds or replaces one element and keeps the set sorted', () => {
    expect(putEntry([live('b', 1)], live('a', 2)).map((e) => e.id)).toEqual(['a', 'b']);
    expect(putEntry([live('a', 1, 'old')], live('a', 2, 'new'))).toEqual([live('a', 2, 'new')]);
  });

  it('removeEntry leaves a tombstone without the value', () => {
    const removed = removeEntry([live('a', 1, { secret: 'x' })], 'a', at(2));
    expect(removed).toEqual([tomb('a', 2)]);
    expect(JSON.stringify(removed)).not.toContain('secret');
  });

  it('removeEntry of an unknown id changes nothing', () => {
    expect(removeEntry([live('a', 1)], 'zz', at(2))).toEqual([live('a', 1)]);
  });

  it('withEntry and withoutEntry stamp the element with the given clock', () => {
    const added = withEntry<AnySetEntry>([], { id: 'a', removed: false, value: 1 }, at(3));
    expect(added).toEqual([live('a', 3, 1)]);
    expect(withoutEntry(added, 'a', at(4))).toEqual([tomb('a', 4)]);
  });
});

describe('mergeSets (properties)', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (a, b) => {
        same(mergeSets(a, b), mergeSets(b, a));
      }),
      fcOptions,
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(arbSet, arbSet, arbSet, (a, b, c) => {
        same(mergeSets(mergeSets(a, b), c), mergeSets(a, mergeSets(b, c)));
      }),
      fcOptions,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (a, b) => {
        same(mergeSets(a, a), a);
        const m = mergeSets(a, b);
        same(mergeSets(m, b), m);
        same(mergeSets(m, a), m);
      }),
      fcOptions,
    );
  });

  it('keeps every id, with the latest clock of that id, once, sorted', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (a, b) => {
        const merged = mergeSets(a, b);
        const ids = merged.map((e) => e.id);
        expect(ids).toEqual([...new Set([...a, ...b].map((e) => e.id))].sort());
        for (const entry of merged) {
          for (const input of [...a, ...b].filter((e) => e.id === entry.id)) {
            expect(compareHlc(entry.at, input.at)).toBeGreaterThanOrEqual(0);
          }
          expect([...a, ...b]).toContainEqual(entry);
        }
      }),
      fcOptions,
    );
  });

  it('concurrent add and remove of different ids both survive', () => {
    fc.assert(
      fc.property(
        arbSetEntries({ value: arbEmailValue, clock: arbClock(0, 3), ids: ['a', 'b', 'c'] }),
        fc.constantFrom('x', 'y'),
        arbEmailValue,
        fc.constantFrom('a', 'b', 'c'),
        arbClock(4, 7),
        arbClock(4, 7),
        (base, addId, value, removeId, addAt, removeAt) => {
          const withRemovable = putEntry(base, { id: removeId, at: at(0), removed: false, value });
          const local = putEntry(withRemovable, { id: addId, at: addAt, removed: false, value });
          const remote = removeEntry(withRemovable, removeId, removeAt);
          for (const merged of [mergeSets(local, remote), mergeSets(remote, local)]) {
            expect(merged.find((e) => e.id === addId)).toEqual({
              id: addId,
              at: addAt,
              removed: false,
              value,
            });
            expect(merged.find((e) => e.id === removeId)).toEqual({
              id: removeId,
              at: removeAt,
              removed: true,
            });
          }
        },
      ),
      fcOptions,
    );
  });
});
