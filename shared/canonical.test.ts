// Canonical JSON: equal values compare equal however they were built.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual } from './canonical.ts';
import { fcOptions } from './testing/fc-config.ts';

/** Reverses key insertion order at every level: same value, different construction. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"z":0}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(canonicalJson('x"y')).toBe('"x\\"y"');
  });

  it('ignores key order, and parses back to the same value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reordered(value))).toBe(text);
        expect(deepEqual(JSON.parse(text), value)).toBe(true);
      }),
      fcOptions,
    );
  });

  it('deepEqual tells different values apart', () => {
    expect(deepEqual({ a: 1 }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(true);
  });
});
