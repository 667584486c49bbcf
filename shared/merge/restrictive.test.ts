// Restrictive merge: one-side changes (even widening) apply; concurrent changes keep the narrower level.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VisibilityChoices } from '../entities/settings.ts';
import { profileFields } from '../entities/profile.ts';
import { arbVisibilityChoices } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import type { VisibilityLevel } from '../visibility.ts';
import { mergeRestrictive } from './restrictive.ts';
import { must } from '../testing/must.ts';

/** Independent oracle: the less exposing of two levels, by the order in DESIGN.md. */
const exposureOrder: readonly VisibilityLevel[] = ['public', 'contacts', 'private', 'owner'];
const stricter = (a: VisibilityLevel, b: VisibilityLevel): VisibilityLevel =>
  exposureOrder.indexOf(a) >= exposureOrder.indexOf(b) ? a : b;

const defaults = Object.fromEntries(
  Object.entries(profileFields).map(([name, policy]) => [name, policy.visibility.default]),
) as Record<string, VisibilityLevel>;
const level = (choices: VisibilityChoices | undefined, key: string): VisibilityLevel | undefined =>
  choices === undefined ? undefined : (choices[key] ?? defaults[key]);

describe('mergeRestrictive: booleans (discoverable)', () => {
  it('applies a change made on one side only, including a widening', () => {
    expect(mergeRestrictive(true, false, true)).toBe(false);
    expect(mergeRestrictive(false, true, false)).toBe(true); // the owner chose to become discoverable
    expect(mergeRestrictive(false, false, true)).toBe(true);
  });

  it('keeps false (not discoverable) when both sides differ without a base', () => {
    expect(mergeRestrictive(undefined, true, false)).toBe(false);
    expect(mergeRestrictive(undefined, false, true)).toBe(false);
    expect(mergeRestrictive(undefined, true, true)).toBe(true);
  });
});

describe('mergeRestrictive: visibility choices', () => {
  it('applies a deliberate widening made on one side only', () => {
    const base = { legalName: 'private' };
    const local = { legalName: 'public' };
    expect(mergeRestrictive(base, local, base)).toEqual({ legalName: 'public' });
    expect(mergeRestrictive(base, base, local)).toEqual({ legalName: 'public' });
  });

  it('keeps the more restrictive level when both sides changed the same key', () => {
    const base = { bio: 'contacts' };
    expect(mergeRestrictive(base, { bio: 'public' }, { bio: 'private' })).toEqual({ bio: 'private' });
    expect(mergeRestrictive(base, { bio: 'private' }, { bio: 'public' })).toEqual({ bio: 'private' });
  });

  it('treats a missing key as the field default', () => {
    // bio defaults to public: remote narrowed it, local did not touch it.
    expect(mergeRestrictive({}, {}, { bio: 'contacts' })).toEqual({ bio: 'contacts' });
    // Both changed: local widened legalName (default private) to contacts, remote to public.
    expect(mergeRestrictive({}, { legalName: 'contacts' }, { legalName: 'public' })).toEqual({
      legalName: 'contacts',
    });
  });

  it('stores no entry for a level equal to the default', () => {
    expect(mergeRestrictive({ bio: 'private' }, { bio: 'public' }, { bio: 'private' })).toEqual({});
    expect(mergeRestrictive(undefined, { bio: 'public' }, {})).toEqual({});
  });

  it('without a base, every difference is a conflict', () => {
    expect(mergeRestrictive(undefined, { birthday: 'public' }, {})).toEqual({});
    expect(mergeRestrictive(undefined, { headline: 'contacts' }, { headline: 'public' })).toEqual({
      headline: 'contacts',
    });
  });

  it('merges keys independently', () => {
    const base = { bio: 'public', legalName: 'private' };
    const local = { bio: 'private', legalName: 'private' };
    const remote = { bio: 'public', legalName: 'public' };
    expect(mergeRestrictive(base, local, remote)).toEqual({ bio: 'private', legalName: 'public' });
  });

  it('rejects values it cannot order', () => {
    expect(() => mergeRestrictive(undefined, 'public', 'private')).toThrow(/booleans and visibility choices/);
    expect(() => mergeRestrictive(undefined, true, {})).toThrow();
  });

  it('never widens a key both sides changed; always picks one side (property)', () => {
    fc.assert(
      fc.property(
        fc.option(arbVisibilityChoices, { nil: undefined }),
        arbVisibilityChoices,
        arbVisibilityChoices,
        (base, local, remote) => {
          const merged = mergeRestrictive(base, local, remote) as VisibilityChoices;
          for (const key of Object.keys(defaults)) {
            const l = must(level(local, key));
            const r = must(level(remote, key));
            const b = level(base, key);
            const m = must(level(merged, key));
            expect([l, r]).toContain(m);
            const localChanged = b === undefined || l !== b;
            const remoteChanged = b === undefined || r !== b;
            if (localChanged && remoteChanged) expect(m).toBe(stricter(l, r));
            if (localChanged && !remoteChanged) expect(m).toBe(l);
            if (remoteChanged && !localChanged) expect(m).toBe(r);
            if (merged[key] !== undefined) expect(merged[key]).not.toBe(defaults[key]);
          }
        },
      ),
      fcOptions,
    );
  });

  it('is symmetric in its two sides (property)', () => {
    fc.assert(
      fc.property(
        fc.option(arbVisibilityChoices, { nil: undefined }),
        arbVisibilityChoices,
        arbVisibilityChoices,
        (base, local, remote) => {
          expect(mergeRestrictive(base, local, remote)).toEqual(mergeRestrictive(base, remote, local));
        },
      ),
      fcOptions,
    );
  });
});
