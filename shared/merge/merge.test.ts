// The three-way per-field merge: unit tests for every rule and its decision record, and the
// properties every replica relies on (determinism, order independence, idempotence, authority,
// no widening of visibility, no lost one-sided writes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical.ts';
import { profileFields } from '../entities/profile.ts';
import type { VisibilityChoices } from '../entities/settings.ts';
import { formatHlc, type Hlc } from '../hlc.ts';
import type { Role } from '../policy/field.ts';
import type { AnySetEntry } from '../policy/set-entry.ts';
import { applyLocalEdit } from '../policy/stamp.ts';
import {
  documentSchemas,
  entityNames,
  fieldsOf,
  newDocument,
  replicatedFieldNames,
  type AnyDoc,
  type EntityName,
} from '../policy/table.ts';
import { arbMergeScenario, arbRelatedScenario, arbRole, DOC_ID } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import type { VisibilityLevel } from '../visibility.ts';
import { merge, type MergeDecision } from './merge.ts';
import { must } from '../testing/must.ts';

const T = 1_750_000_000_000;
const clock = (offset: number, node = 'dev'): Hlc => formatHlc({ wall: T + offset, counter: 0, node });

/** A document with the given fields set and stamped at the given clock offsets. */
function doc(
  entity: EntityName,
  fields: Readonly<Record<string, unknown>>,
  clocks: Readonly<Record<string, number>>,
  from?: AnyDoc,
): AnyDoc {
  const start = from ?? newDocument(entity, DOC_ID);
  const stamped: Record<string, Hlc> = { ...(start.clocks as Record<string, Hlc>) };
  for (const [name, offset] of Object.entries(clocks)) stamped[name] = clock(offset);
  return { ...start, ...fields, clocks: stamped };
}

function decisionFor(decisions: readonly MergeDecision[], field: string): MergeDecision | undefined {
  return decisions.find((d) => d.field === field);
}

/** Fields `role` may write, read straight from the policy table (not through the code under test). */
function writableFields(entity: EntityName, role: Role): string[] {
  const policies = fieldsOf(entity);
  return replicatedFieldNames(entity).filter((name) => {
    const policy = must(policies[name]);
    if (policy.merge === 'server') return false;
    return policy.writer === 'owner' || (policy.writer === 'admin' && role === 'admin');
  });
}

function pickFields(d: AnyDoc, names: readonly string[]): string {
  return canonicalJson({
    values: Object.fromEntries(names.map((n) => [n, d[n]])),
    clocks: Object.fromEntries(names.map((n) => [n, d.clocks[n]])),
  });
}

/** Independent oracle: the less exposing of two levels, by the order in DESIGN.md. */
const exposureOrder: readonly VisibilityLevel[] = ['public', 'contacts', 'private', 'owner'];
const stricter = (a: VisibilityLevel, b: VisibilityLevel): VisibilityLevel =>
  exposureOrder.indexOf(a) >= exposureOrder.indexOf(b) ? a : b;

const defaults = Object.fromEntries(
  Object.entries(profileFields).map(([name, policy]) => [name, policy.visibility.default]),
) as Record<string, VisibilityLevel>;
const levelOf = (choices: unknown, key: string): VisibilityLevel =>
  (choices as VisibilityChoices)[key] ?? must(defaults[key]);

const arbEntityRole = fc.tuple(fc.constantFrom(...entityNames), arbRole);
const scenarioWithRole = arbEntityRole.chain(([entity, role]) =>
  arbMergeScenario(entity).map((s) => ({ ...s, entity, role })),
);

// ---------------------------------------------------------------------------------------------

describe('merge: last writer wins', () => {
  const base = doc('profile', { displayName: 'Base' }, { displayName: 0 });

  it('takes the later edit and records the decision', () => {
    const local = doc('profile', { displayName: 'Local' }, { displayName: 20 }, base);
    const remote = doc('profile', { displayName: 'Remote' }, { displayName: 10 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, remote, 'user');
    expect(merged.displayName).toBe('Local');
    expect(merged.clocks.displayName).toBe(clock(20));
    expect(decisionFor(decisions, 'displayName')).toEqual({
      field: 'displayName',
      rule: 'lww',
      winner: 'local',
      reason: 'Both devices changed it; the later edit (this device) wins.',
      local: 'Local',
      remote: 'Remote',
      result: 'Local',
    });
    expect(decisions).toHaveLength(1);
  });

  it('names the other device when the remote edit is later', () => {
    const local = doc('profile', { displayName: 'Local' }, { displayName: 10 }, base);
    const remote = doc('profile', { displayName: 'Remote' }, { displayName: 20 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, remote, 'user');
    expect(merged.displayName).toBe('Remote');
    expect(merged.clocks.displayName).toBe(clock(20));
    const decision = decisionFor(decisions, 'displayName');
    expect(decision).toMatchObject({ rule: 'lww', winner: 'remote', result: 'Remote' });
    expect(decision?.reason).toContain('the other device');
  });

  it('breaks an exact clock tie by value, the same way on both devices', () => {
    const local = doc('profile', { displayName: 'Zed' }, { displayName: 10 }, base);
    const remote = doc('profile', { displayName: 'Amy' }, { displayName: 10 }, base);
    const here = merge('profile', base, local, remote, 'user');
    const there = merge('profile', base, remote, local, 'user');
    expect(here.doc.displayName).toBe('Zed');
    expect(there.doc.displayName).toBe('Zed');
    expect(decisionFor(here.decisions, 'displayName')).toMatchObject({ winner: 'local', rule: 'lww' });
    expect(decisionFor(there.decisions, 'displayName')).toMatchObject({ winner: 'remote', rule: 'lww' });
    expect(decisionFor(here.decisions, 'displayName')?.reason).toBe(
      'Both edits carry the same clock; the tie is broken the same way on every device.',
    );
  });

  it('breaks a wall-time tie by node id', () => {
    const a = formatHlc({ wall: T + 10, counter: 0, node: 'deviceA' });
    const b = formatHlc({ wall: T + 10, counter: 0, node: 'deviceB' });
    const local = { ...base, displayName: 'from A', clocks: { displayName: a } };
    const remote = { ...base, displayName: 'from B', clocks: { displayName: b } };
    expect(merge('profile', base, local, remote, 'user').doc.displayName).toBe('from B');
    expect(merge('profile', base, remote, local, 'user').doc.displayName).toBe('from B');
  });

  it('applies an edit made on one side only, without a decision', () => {
    const local = doc('profile', { displayName: 'Local' }, { displayName: 5 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, base, 'user');
    expect(merged.displayName).toBe('Local');
    expect(decisions).toEqual([]);
    const other = merge('profile', base, base, local, 'user');
    expect(other.doc.displayName).toBe('Local');
    expect(other.decisions).toEqual([]);
  });

  it('records no decision when both sides made the same change', () => {
    const local = doc('profile', { displayName: 'Same' }, { displayName: 5 }, base);
    const remote = doc('profile', { displayName: 'Same' }, { displayName: 6 }, base);
    const result = merge('profile', base, local, remote, 'user');
    expect(result.doc.displayName).toBe('Same');
    expect(result.doc.clocks.displayName).toBe(clock(6));
    expect(result.decisions).toEqual([]);
  });

  it('without a base, two stamped differing values are a conflict', () => {
    const local = doc('profile', { headline: 'L' }, { headline: 3 });
    const remote = doc('profile', { headline: 'R' }, { headline: 4 });
    const { doc: merged, decisions } = merge('profile', undefined, local, remote, 'user');
    expect(merged.headline).toBe('R');
    expect(decisionFor(decisions, 'headline')).toMatchObject({ rule: 'lww', winner: 'remote' });
  });

  it('a stamped value beats a never-stamped one', () => {
    const local = doc('profile', { pronouns: 'they/them' }, { pronouns: 1 });
    const remote = newDocument('profile', DOC_ID) as AnyDoc;
    expect(merge('profile', undefined, local, remote, 'user').doc.pronouns).toBe('they/them');
    expect(merge('profile', undefined, remote, local, 'user').doc.pronouns).toBe('they/them');
  });

  it('keeps only clocks of replicated fields, and nothing unstamped', () => {
    const local = { ...doc('profile', { bio: 'x' }, { bio: 1 }) };
    const remote = { ...(newDocument('profile', DOC_ID) as AnyDoc), clocks: { bogus: clock(9) } };
    const merged = merge('profile', undefined, local, remote, 'user').doc;
    expect(merged.clocks).toEqual({ bio: clock(1) });
  });
});

describe('merge: authority', () => {
  const base = doc('profile', { badge: 'none' }, { badge: 0 });

  it('keeps the remote value of an admin-written field for a user, with an authority decision', () => {
    const local = doc('profile', { badge: 'staff' }, { badge: 50 }, base);
    const remote = doc('profile', { badge: 'verified' }, { badge: 10 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, remote, 'user');
    expect(merged.badge).toBe('verified');
    expect(merged.clocks.badge).toBe(clock(10));
    expect(decisionFor(decisions, 'badge')).toEqual({
      field: 'badge',
      rule: 'authority',
      winner: 'remote',
      reason: 'Only the server or an administrator may change this field; the server value stays.',
      local: 'staff',
      remote: 'verified',
      result: 'verified',
    });
  });

  it('lets an admin write an admin field by last writer wins', () => {
    const local = doc('profile', { badge: 'staff' }, { badge: 50 }, base);
    const remote = doc('profile', { badge: 'verified' }, { badge: 10 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, remote, 'admin');
    expect(merged.badge).toBe('staff');
    expect(decisionFor(decisions, 'badge')).toMatchObject({ rule: 'lww', winner: 'local' });
  });

  it('keeps server-merged fields even for an admin', () => {
    const settingsBase = newDocument('settings', DOC_ID) as AnyDoc;
    const token = {
      id: 'tok_1',
      name: 'CI',
      scopes: ['profile:read'],
      createdAt: '2025-01-01T00:00:00.000Z',
      lastUsedAt: null,
    };
    const local = doc('settings', { accessTokens: [token] }, { accessTokens: 99 }, settingsBase);
    for (const role of ['user', 'admin'] as const) {
      const { doc: merged, decisions } = merge('settings', settingsBase, local, settingsBase, role);
      expect(merged.accessTokens).toEqual([]);
      expect(merged.clocks.accessTokens).toBeUndefined();
      expect(decisionFor(decisions, 'accessTokens')).toMatchObject({ rule: 'authority', winner: 'remote' });
    }
    const account = newDocument('account', DOC_ID) as AnyDoc;
    const promoted = doc('account', { role: 'admin', status: 'suspended' }, { role: 9, status: 9 }, account);
    const merged = merge('account', account, promoted, account, 'admin').doc;
    expect(merged.role).toBe('user');
    expect(merged.status).toBe('active');
  });

  it('records no authority decision when the two sides agree', () => {
    expect(merge('profile', base, base, base, 'user').decisions).toEqual([]);
  });

  it('keeps the server value of a field the server refused, whatever its rule (no push loop)', () => {
    const settingsBase = newDocument('settings', DOC_ID) as AnyDoc;
    // Refused for a clock too far ahead: the local clock is later, yet the server value stays.
    const local = doc(
      'settings',
      { visibility: { bio: 'private' }, theme: 'dark' },
      { visibility: 90, theme: 90 },
      settingsBase,
    );
    const remote = doc('settings', {}, { visibility: 5, theme: 5 }, settingsBase);
    const { doc: merged, decisions } = merge(
      'settings',
      settingsBase,
      local,
      remote,
      'user',
      new Set(['visibility', 'theme']),
    );
    expect(merged.visibility).toEqual({});
    expect(merged.theme).toBe('system');
    expect(merged.clocks.theme).toBe(clock(5));
    expect(decisionFor(decisions, 'visibility')).toMatchObject({ rule: 'authority', winner: 'remote' });
  });

  it('never lets a local value its schema refuses win, even unrefused (the server would never store it)', () => {
    const profileBase = newDocument('profile', DOC_ID) as AnyDoc;
    const insecure = {
      id: 'l1',
      at: clock(9),
      removed: false,
      value: { label: 'x', url: 'http://insecure.example' },
    };
    const local = doc('profile', { links: [insecure] }, { links: 9 }, profileBase);
    expect(merge('profile', profileBase, local, profileBase, 'user').doc.links).toEqual([]);
    const settingsBase = newDocument('settings', DOC_ID) as AnyDoc;
    const junk = doc(
      'settings',
      { discoverable: 'no', visibility: { bio: 'owner' } },
      { discoverable: 9, visibility: 9 },
      settingsBase,
    );
    const merged = merge('settings', settingsBase, junk, settingsBase, 'user').doc;
    expect(merged.discoverable).toBe(true);
    expect(merged.visibility).toEqual({});
  });
});

describe('merge: sets', () => {
  const entry = (id: string, offset: number, removed = false): AnySetEntry =>
    removed
      ? { id, at: clock(offset), removed: true }
      : {
          id,
          at: clock(offset),
          removed: false,
          value: { label: id, url: `https://example.com/${id}` },
        };
  const base = doc('profile', { links: [entry('a', 0)] }, { links: 0 });

  it('combines concurrent additions and removals, with a merged decision', () => {
    const local = doc('profile', { links: [entry('a', 0), entry('b', 5)] }, { links: 5 }, base);
    const remote = doc('profile', { links: [entry('a', 6, true)] }, { links: 6 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, remote, 'user');
    expect(merged.links).toEqual([entry('a', 6, true), entry('b', 5)]);
    expect(merged.clocks.links).toBe(clock(6));
    expect(decisionFor(decisions, 'links')).toMatchObject({
      field: 'links',
      rule: 'set',
      winner: 'merged',
      reason:
        'Additions and removals from both devices were combined; for the same entry the later change wins.',
      result: merged.links,
    });
  });

  it('takes a one-sided set edit without a decision', () => {
    const local = doc('profile', { links: [entry('a', 0), entry('b', 5)] }, { links: 5 }, base);
    const { doc: merged, decisions } = merge('profile', base, local, base, 'user');
    expect(merged.links).toEqual(local.links);
    expect(decisions).toEqual([]);
  });

  it('names the side whose set is the result', () => {
    const local = doc('profile', { links: [entry('a', 9)] }, { links: 9 }, base);
    const remote = doc('profile', { links: [entry('a', 4)] }, { links: 4 }, base);
    expect(decisionFor(merge('profile', base, local, remote, 'user').decisions, 'links')?.winner).toBe(
      'local',
    );
    expect(decisionFor(merge('profile', base, remote, local, 'user').decisions, 'links')?.winner).toBe(
      'remote',
    );
  });
});

describe('merge: restrictive', () => {
  const settings = newDocument('settings', DOC_ID) as AnyDoc;
  const base = doc(
    'settings',
    { visibility: { bio: 'contacts' }, discoverable: true },
    { visibility: 0 },
    settings,
  );

  it('lets a one-sided widening through, without a decision', () => {
    const local = doc('settings', { visibility: { bio: 'public' } }, { visibility: 5 }, base);
    const { doc: merged, decisions } = merge('settings', base, local, base, 'user');
    expect(merged.visibility).toEqual({});
    expect(levelOf(merged.visibility, 'bio')).toBe('public');
    expect(decisions).toEqual([]);
  });

  it('keeps the more restrictive level when both sides changed, and says so', () => {
    const local = doc(
      'settings',
      { visibility: { bio: 'public', legalName: 'public' } },
      { visibility: 5 },
      base,
    );
    const remote = doc('settings', { visibility: { bio: 'private' } }, { visibility: 6 }, base);
    const { doc: merged, decisions } = merge('settings', base, local, remote, 'user');
    // bio: both changed -> private; legalName: only local changed -> public (deliberate widening).
    expect(merged.visibility).toEqual({ bio: 'private', legalName: 'public' });
    expect(merged.clocks.visibility).toBe(clock(6));
    expect(decisionFor(decisions, 'visibility')).toMatchObject({
      field: 'visibility',
      rule: 'restrictive',
      winner: 'merged',
      reason:
        'Both devices changed who may see this; the more restrictive choice wins so nothing is exposed by a conflict.',
    });
  });

  it('resolves a first-sync discoverable conflict to not discoverable', () => {
    const local = doc('settings', { discoverable: false }, { discoverable: 3 }, settings);
    const remote = doc('settings', { discoverable: true }, { discoverable: 4 }, settings);
    for (const [l, r] of [
      [local, remote],
      [remote, local],
    ] as const) {
      const { doc: merged, decisions } = merge('settings', undefined, l, r, 'user');
      expect(merged.discoverable).toBe(false);
      expect(merged.clocks.discoverable).toBe(clock(4));
      expect(decisionFor(decisions, 'discoverable')?.rule).toBe('restrictive');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('merge (properties)', () => {
  it('is deterministic and leaves its inputs alone', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const before = canonicalJson({ base, local, remote });
        const first = merge(entity, base, local, remote, role);
        const second = merge(entity, base, local, remote, role);
        expect(canonicalJson(first)).toBe(canonicalJson(second));
        expect(canonicalJson({ base, local, remote })).toBe(before);
      }),
      fcOptions,
    );
  });

  it('produces a valid document', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const parsed = documentSchemas[entity].safeParse(merge(entity, base, local, remote, role).doc);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }),
      fcOptions,
    );
  });

  it('does not depend on arrival order for the fields the role may write', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const names = writableFields(entity, role);
        const lr = merge(entity, base, local, remote, role).doc;
        const rl = merge(entity, base, remote, local, role).doc;
        expect(pickFields(lr, names)).toBe(pickFields(rl, names));
      }),
      fcOptions,
    );
  });

  it('changes nothing when merged again', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const m = merge(entity, base, local, remote, role).doc;
        expect(canonicalJson(merge(entity, base, m, remote, role).doc)).toBe(canonicalJson(m));
        expect(canonicalJson(merge(entity, base, m, m, role).doc)).toBe(canonicalJson(m));
      }),
      fcOptions,
    );
  });

  it('never lets a role change a field it may not write', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const merged = merge(entity, base, local, remote, role);
        const writable = new Set(writableFields(entity, role));
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          if (!policy.replicated || writable.has(name)) continue;
          if (role === 'user') {
            expect(policy.writer !== 'owner' || policy.merge === 'server').toBe(true);
          }
          expect(canonicalJson(merged.doc[name])).toBe(canonicalJson(remote[name]));
          expect(merged.doc.clocks[name]).toBe(remote.clocks[name]);
          if (canonicalJson(local[name]) !== canonicalJson(remote[name])) {
            expect(decisionFor(merged.decisions, name)).toMatchObject({
              rule: 'authority',
              winner: 'remote',
            });
          }
        }
      }),
      fcOptions,
    );
  });

  it('never widens visibility when both sides changed it', () => {
    fc.assert(
      fc.property(arbMergeScenario('settings'), arbRole, ({ base, local, remote }, role) => {
        const merged = merge('settings', base, local, remote, role).doc;
        for (const key of Object.keys(defaults)) {
          const l = levelOf(local.visibility, key);
          const r = levelOf(remote.visibility, key);
          const m = levelOf(merged.visibility, key);
          expect([l, r]).toContain(m);
          const b = base === undefined ? undefined : levelOf(base.visibility, key);
          if (b === undefined || (l !== b && r !== b)) expect(m).toBe(stricter(l, r));
        }
        const b = base?.discoverable;
        expect([local.discoverable, remote.discoverable]).toContain(merged.discoverable);
        if (b === undefined || (local.discoverable !== b && remote.discoverable !== b)) {
          expect(merged.discoverable).toBe(local.discoverable === true && remote.discoverable === true);
        }
      }),
      fcOptions,
    );
  });

  it('never loses an edit made on one side only', () => {
    const arb = arbEntityRole.chain(([entity, role]) =>
      arbRelatedScenario(entity).map((s) => ({ ...s, entity, role })),
    );
    fc.assert(
      fc.property(arb, ({ entity, role, base, local, remote }) => {
        const merged = merge(entity, base, local, remote, role).doc;
        const policies = fieldsOf(entity);
        for (const name of writableFields(entity, role)) {
          const policy = must(policies[name]);
          const localEdited =
            local.clocks[name] !== remote.clocks[name] && remote.clocks[name] === base?.clocks[name];
          if (base === undefined || !localEdited) continue;
          if (policy.merge === 'lww') {
            expect(canonicalJson(merged[name])).toBe(canonicalJson(local[name]));
          } else if (policy.merge === 'set') {
            for (const element of local[name] as AnySetEntry[]) expect(merged[name]).toContainEqual(element);
          } else if (policy.merge === 'restrictive' && name === 'discoverable') {
            expect(merged[name]).toBe(local[name]);
          } else if (policy.merge === 'restrictive') {
            for (const key of Object.keys(defaults)) {
              expect(levelOf(merged[name], key)).toBe(levelOf(local[name], key));
            }
          }
        }
      }),
      fcOptions,
    );
  });

  it('records decisions that describe the merged document', () => {
    fc.assert(
      fc.property(scenarioWithRole, ({ entity, role, base, local, remote }) => {
        const { doc: merged, decisions } = merge(entity, base, local, remote, role);
        const names = new Set(replicatedFieldNames(entity));
        const seen = new Set<string>();
        for (const d of decisions) {
          expect(names.has(d.field)).toBe(true);
          expect(seen.has(d.field)).toBe(false);
          seen.add(d.field);
          expect(d.reason.length).toBeGreaterThan(10);
          expect(canonicalJson(d.local)).toBe(canonicalJson(local[d.field]));
          expect(canonicalJson(d.remote)).toBe(canonicalJson(remote[d.field]));
          expect(canonicalJson(d.local)).not.toBe(canonicalJson(d.remote));
          expect(canonicalJson(d.result)).toBe(canonicalJson(merged[d.field]));
          if (d.winner === 'local') expect(canonicalJson(d.result)).toBe(canonicalJson(d.local));
          if (d.winner === 'remote') expect(canonicalJson(d.result)).toBe(canonicalJson(d.remote));
        }
      }),
      fcOptions,
    );
  });
});

describe('applyLocalEdit', () => {
  it('stamps only the fields whose value changed, in call order', () => {
    const start = newDocument('profile', DOC_ID) as AnyDoc;
    let n = 0;
    const now = () => clock(++n);
    const edited = applyLocalEdit('profile', start, { displayName: 'Ann', bio: '', headline: 'Hi' }, now);
    expect(edited.displayName).toBe('Ann');
    expect(edited.clocks).toEqual({ displayName: clock(1), headline: clock(2) });
    expect(start.clocks).toEqual({});
  });

  it('refuses a field the entity does not have', () => {
    const start = newDocument('profile', DOC_ID) as AnyDoc;
    expect(() => applyLocalEdit('profile', start, { nickname: 'x' }, () => clock(1))).toThrow(
      /no field nickname/,
    );
  });
});
