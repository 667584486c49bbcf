// The reference model of one user's synced documents: what the server must hold after each step,
// written from DESIGN.md independently of shared/merge (only the policy table's data is shared).
// Values are predicted; clocks are the system's own choices (device stamps, server re-stamps),
// read back after each step and only compared, never trusted for values.
import { canonicalJson, deepEqual } from '#shared/canonical';
import { MAX_CLOCK_DRIFT_MS, parseHlc } from '#shared/hlc';
import type { FieldPolicy } from '#shared/policy/field';
import { fieldsOf, replicatedFieldNames } from '#shared/policy/table';
import { visibilityLevels, type VisibilityLevel, type ViewerRelation } from '#shared/visibility';

export type Entity = 'profile' | 'settings';
export type Collection = 'profiles' | 'settings';
export const entities: readonly Entity[] = ['profile', 'settings'];
export const collectionOf: Record<Entity, Collection> = { profile: 'profiles', settings: 'settings' };

export type Clocks = Record<string, string>;
export type Doc = Record<string, unknown> & { readonly clocks: Clocks };
export type Docs = Record<Entity, Doc>;

export interface Rejected {
  readonly field: string;
  readonly code: 'forbidden_field' | 'invalid_value' | 'clock_drift';
}

export function cloneDocs(docs: Docs): Docs {
  return structuredClone(docs);
}

/** A stored or local document without RxDB's and the protocol's bookkeeping. */
export function plain(doc: Readonly<Record<string, unknown>>): Doc {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (!key.startsWith('_')) out[key] = value;
  const clocks = (out.clocks ?? {}) as Clocks;
  return { ...out, clocks: structuredClone(clocks) };
}

function policies(entity: Entity): Readonly<Record<string, FieldPolicy>> {
  return fieldsOf(entity);
}

function policyFor(entity: Entity, name: string): FieldPolicy {
  const policy = policies(entity)[name];
  if (policy === undefined) throw new Error(`${entity}.${name} is not in the policy table`);
  return policy;
}

/** The owner (role user) may push this field: written by the owner, not server-merged. */
export function ownerMayWrite(entity: Entity, name: string): boolean {
  const policy = policyFor(entity, name);
  return policy.replicated && policy.writer === 'owner' && policy.merge !== 'server';
}

export function isValid(entity: Entity, name: string, value: unknown): boolean {
  return policyFor(entity, name).schema.safeParse(value).success;
}

/** Undefined sorts before any clock; HLC strings sort by time. */
function compareClock(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

function laterClock(a: string | undefined, b: string | undefined): string | undefined {
  return compareClock(a, b) >= 0 ? a : b;
}

export function isAheadOfServer(clock: string, now = Date.now()): boolean {
  return parseHlc(clock).wall - now > MAX_CLOCK_DRIFT_MS;
}

interface Element {
  readonly id: string;
  readonly at: string;
  readonly removed: boolean;
}

function asElements(value: unknown): Element[] {
  return Array.isArray(value) ? (value as Element[]) : [];
}

/** Add/remove sets: per element id the later stamp wins; on a tie a removal, then the larger form. */
function unionSets(local: unknown, remote: unknown): Element[] {
  const byId = new Map<string, Element>();
  for (const element of [...asElements(local), ...asElements(remote)]) {
    const seen = byId.get(element.id);
    if (seen === undefined) {
      byId.set(element.id, element);
      continue;
    }
    const order = compareClock(seen.at, element.at);
    const keepSeen =
      order > 0 ||
      (order === 0 &&
        (seen.removed !== element.removed ? seen.removed : canonicalJson(seen) >= canonicalJson(element)));
    byId.set(element.id, keepSeen ? seen : element);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function defaultLevel(field: string): VisibilityLevel {
  return policies('profile')[field]?.visibility.default ?? 'private';
}

function levelOf(choices: unknown, field: string): VisibilityLevel {
  const value =
    typeof choices === 'object' && choices !== null ? (choices as Record<string, unknown>)[field] : undefined;
  return visibilityLevels.find((level) => level === value) ?? defaultLevel(field);
}

function stricter(a: VisibilityLevel, b: VisibilityLevel): VisibilityLevel {
  return visibilityLevels.indexOf(a) >= visibilityLevels.indexOf(b) ? a : b;
}

/** Three-way: one side's change wins over no change; two different changes → the stricter one. */
function restrictiveValue(base: unknown, local: unknown, remote: unknown): unknown {
  if (typeof local === 'boolean' && typeof remote === 'boolean') {
    if (local === remote) return local;
    if (base === remote) return local;
    if (base === local) return remote;
    return false;
  }
  const record = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const keys = [...new Set([...Object.keys(record(local)), ...Object.keys(record(remote))])].sort();
  const out: Record<string, VisibilityLevel> = {};
  for (const key of keys) {
    const l = levelOf(local, key);
    const r = levelOf(remote, key);
    const b = levelOf(base, key);
    const level = l === r ? l : b === r ? l : b === l ? r : stricter(l, r);
    if (level !== defaultLevel(key)) out[key] = level;
  }
  return out;
}

/**
 * The device's merge of its fork (`local`, made on `base`) with the server's master (`remote`),
 * field by field. `refused`: fields the server refused in the push this merge answers.
 */
export function mergeDocs(
  entity: Entity,
  base: Doc,
  local: Doc,
  remote: Doc,
  refused: ReadonlySet<string>,
): Doc {
  const out: Record<string, unknown> = { ...remote };
  const clocks: Clocks = {};
  for (const name of replicatedFieldNames(entity)) {
    const policy = policyFor(entity, name);
    const lc = local.clocks[name];
    const rc = remote.clocks[name];
    let value: unknown = remote[name];
    let clock: string | undefined = rc;
    if (ownerMayWrite(entity, name) && !refused.has(name) && isValid(entity, name, local[name])) {
      if (policy.merge === 'lww') {
        const order = compareClock(lc, rc);
        const localWins =
          order > 0 || (order === 0 && canonicalJson(local[name]) > canonicalJson(remote[name]));
        value = localWins ? local[name] : remote[name];
        clock = localWins ? lc : rc;
      } else if (policy.merge === 'set') {
        value = unionSets(local[name], remote[name]);
        clock = laterClock(lc, rc);
      } else if (policy.merge === 'restrictive') {
        value = restrictiveValue(base[name], local[name], remote[name]);
        clock = laterClock(lc, rc);
      }
    }
    out[name] = value;
    if (clock !== undefined) clocks[name] = clock;
  }
  return { ...out, clocks };
}

export interface PushVerdict {
  /** The server's document values after the push (clocks are read from the server afterwards). */
  readonly doc: Doc;
  readonly rejected: Rejected[];
  /** Fields whose value changed. */
  readonly accepted: string[];
}

/**
 * The server's check of a pushed document against its master (DESIGN.md: validate each field
 * against the policy and the caller's role; apply the valid ones; keep the master value of the
 * others). Order of checks: writer, clock drift, schema, then the drift of set elements.
 */
export function serverApply(entity: Entity, master: Doc, pushed: Doc, now = Date.now()): PushVerdict {
  const doc: Record<string, unknown> = { ...master };
  const rejected: Rejected[] = [];
  const accepted: string[] = [];
  for (const name of replicatedFieldNames(entity)) {
    const clock = pushed.clocks[name];
    if (deepEqual(pushed[name], master[name])) {
      // The same value under a later clock is kept as a clock; one too far ahead is refused.
      const later = clock !== undefined && compareClock(clock, master.clocks[name]) > 0;
      if (later && ownerMayWrite(entity, name) && isAheadOfServer(clock, now)) {
        rejected.push({ field: name, code: 'clock_drift' });
      }
      continue;
    }
    if (!ownerMayWrite(entity, name)) {
      rejected.push({ field: name, code: 'forbidden_field' });
      continue;
    }
    if (clock === undefined || isAheadOfServer(clock, now)) {
      rejected.push({ field: name, code: clock === undefined ? 'invalid_value' : 'clock_drift' });
      continue;
    }
    if (!isValid(entity, name, pushed[name])) {
      rejected.push({ field: name, code: 'invalid_value' });
      continue;
    }
    if (
      policyFor(entity, name).merge === 'set' &&
      asElements(pushed[name]).some((e) => isAheadOfServer(e.at, now))
    ) {
      rejected.push({ field: name, code: 'clock_drift' });
      continue;
    }
    doc[name] = pushed[name];
    accepted.push(name);
  }
  return { doc: { ...doc, clocks: { ...master.clocks } }, rejected, accepted };
}

/**
 * Values only: the model predicts values; clocks are the system's (compared separately).
 * Visibility choices compare by meaning, the level each field ends up with: `{bio: 'public'}`
 * and `{}` say the same, and a merge on a device may store either (it drops defaults).
 */
export function valuesOf(doc: Doc): string {
  const { clocks: _clocks, ...values } = doc;
  if (Object.hasOwn(values, 'visibility')) {
    values.visibility = Object.fromEntries(
      replicatedFieldNames('profile').map((name) => [name, levelOf(values.visibility, name)]),
    );
  }
  return canonicalJson(values);
}

/** A readable account of what differs between two documents' values. */
export function describeDifference(actual: Doc, expected: Doc): string {
  const { clocks: _a, ...a } = actual;
  const { clocks: _e, ...e } = expected;
  const names = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  return names
    .filter((name) => valuesOf({ [name]: a[name], clocks: {} }) !== valuesOf({ [name]: e[name], clocks: {} }))
    .map((name) => `${name}: server ${JSON.stringify(a[name])}, model ${JSON.stringify(e[name])}`)
    .join('; ');
}

export function sameDoc(a: Doc, b: Doc): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

// ---------------------------------------------------------------------------------------------
// The directory: what another user may see of the owner (DESIGN.md "projected per viewer").

function hasLive(value: unknown, id: string): boolean {
  return asElements(value).some((element) => element.id === id && !element.removed);
}

export function relationOf(owner: Docs, viewerId: string): ViewerRelation {
  if (hasLive(owner.profile.blocked, viewerId)) return 'blocked';
  if (hasLive(owner.profile.contacts, viewerId)) return 'contact';
  return owner.settings.discoverable === false ? 'blocked' : 'signed-in';
}

const readable: Record<ViewerRelation, readonly VisibilityLevel[]> = {
  self: visibilityLevels,
  admin: ['public', 'contacts', 'private'],
  contact: ['public', 'contacts'],
  'signed-in': ['public'],
  blocked: [],
};

/** The owner's profile as this viewer must receive it, or undefined when they see nothing. */
export function projectionFor(owner: Docs, viewerId: string): Doc | undefined {
  const relation = relationOf(owner, viewerId);
  if (relation === 'blocked') return undefined;
  const choices = owner.settings.visibility;
  const out: Record<string, unknown> = { id: owner.profile.id };
  const clocks: Clocks = {};
  for (const name of replicatedFieldNames('profile')) {
    const policy = policyFor('profile', name);
    const chosen = levelOf(choices, name);
    const level = policy.visibility.choices.includes(chosen) ? chosen : policy.visibility.default;
    if (!readable[relation].includes(level)) continue;
    const value = owner.profile[name];
    out[name] = policy.merge === 'set' ? asElements(value).filter((element) => !element.removed) : value;
    const clock = owner.profile.clocks[name];
    if (clock !== undefined) clocks[name] = clock;
  }
  return { ...out, clocks };
}
