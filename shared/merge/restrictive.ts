// Merge of `restrictive` fields: a concurrent conflict resolves to the less exposing choice.
import { deepEqual } from '../canonical.ts';
import { profileFields } from '../entities/profile.ts';
import { moreRestrictive, VisibilityLevel, type VisibilityLevel as Level } from '../visibility.ts';

/**
 * Three-way: a side that did not change since the base yields to the side that did (a deliberate
 * widening by the owner is not a conflict); only when both changed does the more restrictive
 * value win. Without a base every difference counts as concurrent.
 */
export function mergeRestrictive(base: unknown, local: unknown, remote: unknown): unknown {
  if (typeof local === 'boolean' && typeof remote === 'boolean') {
    return pick(base, local, remote, () => local && remote);
  }
  if (isRecord(local) && isRecord(remote)) {
    return mergeVisibilityChoices(isRecord(base) ? base : undefined, local, remote);
  }
  throw new Error('restrictive merge supports booleans and visibility choices only');
}

function mergeVisibilityChoices(
  base: Record<string, unknown> | undefined,
  local: Record<string, unknown>,
  remote: Record<string, unknown>,
): Record<string, Level> {
  const keys = [...new Set([...Object.keys(local), ...Object.keys(remote)])].sort();
  const merged: Record<string, Level> = {};
  for (const key of keys) {
    const l = effectiveLevel(key, local[key]);
    const r = effectiveLevel(key, remote[key]);
    const b = base === undefined ? undefined : effectiveLevel(key, base[key]);
    const level = pick(b, l, r, () => moreRestrictive(l, r));
    // Stored without the defaults so equal choices have one representation on every replica.
    if (level !== defaultLevel(key)) merged[key] = level;
  }
  return merged;
}

function pick<T>(base: T | undefined, local: T, remote: T, onConflict: () => T): T {
  if (deepEqual(local, remote)) return local;
  const localChanged = base === undefined || !deepEqual(local, base);
  const remoteChanged = base === undefined || !deepEqual(remote, base);
  if (localChanged && !remoteChanged) return local;
  if (remoteChanged && !localChanged) return remote;
  return onConflict();
}

/** A missing choice means the field's default level. */
function effectiveLevel(fieldName: string, choice: unknown): Level {
  const parsed = VisibilityLevel.safeParse(choice);
  return parsed.success ? parsed.data : defaultLevel(fieldName);
}

function defaultLevel(fieldName: string): Level {
  const policy = (profileFields as Record<string, { visibility: { default: Level } } | undefined>)[fieldName];
  return policy?.visibility.default ?? 'private';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
