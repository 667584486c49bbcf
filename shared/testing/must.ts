// Test support: narrow away `undefined`/`null` with a clear failure instead of a non-null assertion.

export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be present`);
  return value;
}
