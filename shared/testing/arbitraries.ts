// Reusable fast-check arbitraries for the domain core: clocks, set entries, valid field values,
// whole documents with per-field clocks, three-way merge scenarios and visibility choices.
// Every generated document is valid under the document schema (checked by arbitraries.test.ts).
import fc, { type Arbitrary } from 'fast-check';
import { accountStatuses } from '../entities/account.ts';
import { badges, profileFields } from '../entities/profile.ts';
import {
  choosableProfileFields,
  dateFormats,
  startPages,
  themes,
  tokenScopes,
  webhookEvents,
  type VisibilityChoices,
} from '../entities/settings.ts';
import { avatarMimeTypes, MAX_AVATAR_BYTES } from '../entities/values.ts';
import { formatHlc, type Hlc } from '../hlc.ts';
import { roles, type FieldPolicy } from '../policy/field.ts';
import type { AnySetEntry } from '../policy/set-entry.ts';
import { policyOf, replicatedFieldNames, type AnyDoc, type EntityName } from '../policy/table.ts';
import { visibilityLevels, type VisibilityLevel } from '../visibility.ts';
import { must } from './must.ts';

// ---------------------------------------------------------------------------------------------
// Clocks

/** A fixed wall time (mid-2025) the generated clocks sit around. */
export const BASE_WALL = 1_750_000_000_000;
export const DOC_ID = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
export const clockNodes = ['deviceA', 'deviceB', 'server'] as const;

/**
 * Clocks from a deliberately tiny domain (a few ms, counters 0–2, three nodes) so that equal
 * clocks, equal walls and node tie-breaks happen often.
 */
export function arbClock(minOffsetMs = 0, maxOffsetMs = 7): Arbitrary<Hlc> {
  return fc
    .record({
      wall: fc.integer({ min: BASE_WALL + minOffsetMs, max: BASE_WALL + maxOffsetMs }),
      counter: fc.integer({ min: 0, max: 2 }),
      node: fc.constantFrom(...clockNodes),
    })
    .map(formatHlc);
}

/** Clocks of a base (master) state; every `arbLateClock` sorts after every one of these. */
export const arbEarlyClock = arbClock(0, 3);
/** Clocks of edits made on top of a base. */
export const arbLateClock = arbClock(4, 7);

// ---------------------------------------------------------------------------------------------
// Field values (all valid under the field's schema)

/** Text without surrounding white space (the text schemas trim). */
export function arbText(maxLength: number): Arbitrary<string> {
  return fc.string({ maxLength: Math.min(maxLength, 24) }).map((s) => s.trim());
}

const arbLabel = fc.constantFrom('', 'home', 'work', 'mobile', 'Other label');
export const arbEmailAddress = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom('example.com', 'mail.example.org'))
  .map(([local, domain]) => `${local}@${domain}`);
export const arbPhoneNumber = fc.stringMatching(/^\+[1-9]\d{6,14}$/);
export const arbHttpsUrl = fc.stringMatching(/^[a-z0-9]{0,10}$/).map((path) => `https://example.com/${path}`);
export const arbIsoTimestamp = fc
  .integer({ min: BASE_WALL - 10 ** 10, max: BASE_WALL + 10 ** 10 })
  .map((ms) => new Date(ms).toISOString());
const arbBirthday = fc
  .integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2020, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const arbTimeOfDay = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

export const arbEmailValue = fc.record({
  address: arbEmailAddress,
  label: arbLabel,
  verified: fc.boolean(),
  primary: fc.boolean(),
});
export const arbPhoneValue = fc.record({ number: arbPhoneNumber, label: arbLabel, verified: fc.boolean() });
export const arbPostalAddressValue = fc.record({
  label: arbLabel,
  street: arbText(200),
  locality: arbText(100),
  region: arbText(100),
  postalCode: arbText(20),
  country: fc.stringMatching(/^[A-Z]{2}$/),
});
export const arbLinkValue = fc.record({ label: arbLabel, url: arbHttpsUrl });
export const arbAvatarRef = fc.record({
  hash: fc.stringMatching(/^[a-f0-9]{64}$/),
  mime: fc.constantFrom(...avatarMimeTypes),
  size: fc.integer({ min: 1, max: MAX_AVATAR_BYTES }),
});

// ---------------------------------------------------------------------------------------------
// Set entries

/** Element ids of value sets: a small pool so concurrent edits often touch the same element. */
export const entryIds = ['a1', 'b2', 'c3', 'd4', 'e5'] as const;
/** User ids for the id-only sets (contacts, blocked). */
export const userIds = [
  '0b6f1e1a-1111-4aaa-8aaa-000000000001',
  '0b6f1e1a-2222-4bbb-9bbb-000000000002',
  '0b6f1e1a-3333-4ccc-accc-000000000003',
  '0b6f1e1a-4444-4ddd-bddd-000000000004',
] as const;

export interface SetEntryOptions {
  /** The element value; absent for id-only sets. */
  readonly value?: Arbitrary<unknown>;
  readonly ids?: readonly string[];
  readonly clock?: Arbitrary<Hlc>;
  readonly maxLength?: number;
}

/** One set element: a live entry with a value, or a tombstone. */
export function arbSetEntry(options: SetEntryOptions = {}): Arbitrary<AnySetEntry> {
  const id = fc.constantFrom(...(options.ids ?? entryIds));
  const at = options.clock ?? arbClock();
  if (options.value === undefined) return fc.record({ id, at, removed: fc.boolean() });
  const live: Arbitrary<AnySetEntry> = fc.record({
    id,
    at,
    removed: fc.constant(false),
    value: options.value,
  });
  const tombstone: Arbitrary<AnySetEntry> = fc.record({ id, at, removed: fc.constant(true) });
  return fc.oneof({ arbitrary: live, weight: 3 }, { arbitrary: tombstone, weight: 1 });
}

/** A set field's value: unique ids, sorted by id as stored documents keep them. */
export function arbSetEntries(options: SetEntryOptions = {}): Arbitrary<AnySetEntry[]> {
  return fc
    .uniqueArray(arbSetEntry(options), { selector: (e) => e.id, maxLength: options.maxLength ?? 5 })
    .map(sortById);
}

export function sortById<E extends { readonly id: string }>(entries: readonly E[]): E[] {
  return [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const setElementValues: Readonly<Record<string, Arbitrary<unknown> | undefined>> = {
  emails: arbEmailValue,
  phones: arbPhoneValue,
  addresses: arbPostalAddressValue,
  links: arbLinkValue,
};

// ---------------------------------------------------------------------------------------------
// Visibility choices

/** Valid choices (what the settings schema accepts): any subset of choosable fields, allowed levels only. */
export const arbVisibilityChoices: Arbitrary<VisibilityChoices> = fc.record(
  Object.fromEntries(
    choosableProfileFields.map((name) => [
      name,
      fc.constantFrom(...must((profileFields as Record<string, FieldPolicy>)[name]).visibility.choices),
    ]),
  ),
  { requiredKeys: [] },
);

/** Hostile choices: any level for any profile field (fixed ones included) — projection must ignore the bad ones. */
export const arbLooseVisibilityChoices: Arbitrary<VisibilityChoices> = fc.dictionary(
  fc.constantFrom(...Object.keys(profileFields)),
  fc.constantFrom<VisibilityLevel>(...visibilityLevels),
);

const switches = fc.record({ email: fc.boolean(), desktop: fc.boolean(), inApp: fc.boolean() });

// ---------------------------------------------------------------------------------------------
// Per-field value arbitraries

const scalarValues: Readonly<Record<EntityName, Readonly<Record<string, Arbitrary<unknown>>>>> = {
  profile: {
    displayName: arbText(80),
    legalName: arbText(200),
    pronouns: fc.constantFrom('', 'she/her', 'he/him', 'they/them'),
    headline: arbText(120),
    bio: arbText(2000),
    birthday: fc.option(arbBirthday, { nil: null }),
    locale: fc.constantFrom(null, 'en', 'pt-BR', 'de-DE', 'fr'),
    timeZone: fc.constantFrom(null, 'Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Tokyo'),
    avatar: fc.option(arbAvatarRef, { nil: null }),
    badge: fc.constantFrom(...badges),
  },
  settings: {
    notifications: fc.record({
      security: fc.record({ email: fc.constant(true), desktop: fc.boolean(), inApp: fc.constant(true) }),
      account: switches,
      contacts: switches,
      directory: switches,
      product: switches,
    }),
    quietHours: fc.record({ enabled: fc.boolean(), start: arbTimeOfDay, end: arbTimeOfDay }),
    visibility: arbVisibilityChoices,
    discoverable: fc.boolean(),
    theme: fc.constantFrom(...themes),
    language: fc.constantFrom('en', 'de', 'pt-BR', 'ja'),
    dateFormat: fc.constantFrom(...dateFormats),
    startPage: fc.constantFrom(...startPages),
    accessTokens: fc.array(
      fc.record({
        id: fc.stringMatching(/^tok_[a-z0-9]{1,8}$/),
        name: arbText(80),
        scopes: fc.subarray([...tokenScopes]),
        createdAt: arbIsoTimestamp,
        lastUsedAt: fc.option(arbIsoTimestamp, { nil: null }),
      }),
      { maxLength: 2 },
    ),
    webhooks: fc.array(
      fc.record({
        id: fc.stringMatching(/^wh_[a-z0-9]{1,8}$/),
        url: arbHttpsUrl,
        events: fc.subarray([...webhookEvents]),
        createdAt: arbIsoTimestamp,
        status: fc.constantFrom('active', 'disabled'),
      }),
      { maxLength: 2 },
    ),
  },
  account: {
    email: arbEmailAddress,
    emailVerified: fc.boolean(),
    pendingEmail: fc.option(arbEmailAddress, { nil: null }),
    role: fc.constantFrom(...roles),
    status: fc.constantFrom(...accountStatuses),
    twoFactorEnabled: fc.boolean(),
    createdAt: arbIsoTimestamp,
    deletionDueAt: fc.option(arbIsoTimestamp, { nil: null }),
  },
};

function policy(entity: EntityName, name: string): FieldPolicy {
  const found = policyOf(entity, name);
  if (found === undefined) throw new Error(`${entity} has no field ${name}`);
  return found;
}

/** A valid value for one replicated field; set elements are stamped with `clock`. */
export function arbFieldValue(
  entity: EntityName,
  name: string,
  clock: Arbitrary<Hlc> = arbClock(),
): Arbitrary<unknown> {
  if (policy(entity, name).merge === 'set') {
    const value = setElementValues[name];
    return arbSetEntries({
      ...(value === undefined ? { ids: userIds } : { value }),
      clock,
    });
  }
  const scalar = scalarValues[entity][name];
  if (scalar === undefined) throw new Error(`no arbitrary for ${entity}.${name}: add one to arbitraries.ts`);
  return scalar;
}

export interface DocOptions {
  /** Clocks used for the field clocks and for set elements. */
  readonly clock?: Arbitrary<Hlc>;
  readonly id?: string;
}

/** A whole valid document: every replicated field, each with or without a clock. */
export function arbDoc(entity: EntityName, options: DocOptions = {}): Arbitrary<AnyDoc> {
  const names = replicatedFieldNames(entity);
  const clock = options.clock ?? arbClock();
  const values = fc.record(Object.fromEntries(names.map((n) => [n, arbFieldValue(entity, n, clock)])));
  const clocks = fc.record(Object.fromEntries(names.map((n) => [n, clock])), { requiredKeys: [] });
  return fc
    .tuple(values, clocks)
    .map(([fields, fieldClocks]) => ({ id: options.id ?? DOC_ID, clocks: fieldClocks, ...fields }));
}

// ---------------------------------------------------------------------------------------------
// Local edits and three-way merge scenarios

export interface FieldEdit {
  readonly value: unknown;
  readonly clock: Hlc;
}

/**
 * Edits one device makes on top of a base: any subset of fields, each with a new value and a
 * clock after every base clock. Set edits are element changes (add, edit, remove) that apply
 * on top of the base's elements.
 */
export function arbEdits(entity: EntityName): Arbitrary<Partial<Record<string, FieldEdit>>> {
  return fc.record(
    Object.fromEntries(
      replicatedFieldNames(entity).map((n) => [
        n,
        fc.record({ value: arbFieldValue(entity, n, arbLateClock), clock: arbLateClock }),
      ]),
    ),
    { requiredKeys: [] },
  );
}

/** The document after a device's edits: set edits replace elements by id, other fields their value. */
export function applyEdits(
  entity: EntityName,
  base: AnyDoc,
  edits: Readonly<Partial<Record<string, FieldEdit>>>,
): AnyDoc {
  const doc: Record<string, unknown> = { ...base };
  const clocks: Record<string, Hlc> = { ...(base.clocks as Record<string, Hlc>) };
  for (const [name, edit] of Object.entries(edits)) {
    if (edit === undefined) continue;
    if (policy(entity, name).merge === 'set') {
      const byId = new Map((base[name] as AnySetEntry[]).map((e) => [e.id, e]));
      for (const entry of edit.value as AnySetEntry[]) byId.set(entry.id, entry);
      doc[name] = sortById([...byId.values()]);
    } else {
      doc[name] = edit.value;
    }
    clocks[name] = edit.clock;
  }
  doc.clocks = clocks;
  return doc as AnyDoc;
}

export interface MergeScenario {
  /** The master state both sides started from (RxDB's assumedMasterState); absent on a first sync. */
  readonly base: AnyDoc | undefined;
  readonly local: AnyDoc;
  readonly remote: AnyDoc;
}

/** Two devices' edits on top of a common base (the realistic case). */
export function arbRelatedScenario(entity: EntityName): Arbitrary<MergeScenario> {
  return fc
    .tuple(arbDoc(entity, { clock: arbEarlyClock }), arbEdits(entity), arbEdits(entity), fc.boolean())
    .map(([base, localEdits, remoteEdits, withBase]) => ({
      base: withBase ? base : undefined,
      local: applyEdits(entity, base, localEdits),
      remote: applyEdits(entity, base, remoteEdits),
    }));
}

/** Unrelated documents (clock ties, clocks behind the base): the algebraic laws must hold anyway. */
export function arbIndependentScenario(entity: EntityName): Arbitrary<MergeScenario> {
  return fc
    .tuple(fc.option(arbDoc(entity), { nil: undefined }), arbDoc(entity), arbDoc(entity))
    .map(([base, local, remote]) => ({ base, local, remote }));
}

export function arbMergeScenario(entity: EntityName): Arbitrary<MergeScenario> {
  return fc.oneof(
    { arbitrary: arbRelatedScenario(entity), weight: 3 },
    { arbitrary: arbIndependentScenario(entity), weight: 1 },
  );
}

export const arbEntityName = fc.constantFrom<EntityName>('profile', 'settings', 'account');
export const arbRole = fc.constantFrom(...roles);
