// The server's authority check on pushes: every rejection code, server-owned keys, stale-clock
// re-stamping, and the properties the sync protocol relies on (I2, I4, I5, I6, convergence).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical.ts';
import { compareHlc, formatHlc, HybridClock, MAX_CLOCK_DRIFT_MS, parseHlc, type Hlc } from '../hlc.ts';
import { merge } from '../merge/merge.ts';
import { arbClock, arbDoc, arbFieldValue, arbRole, BASE_WALL, DOC_ID } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import type { Role } from './field.ts';
import type { AnySetEntry } from './set-entry.ts';
import {
  documentSchemas,
  entityNames,
  fieldsOf,
  newDocument,
  policyOf,
  replicatedFieldNames,
  type AnyDoc,
  type EntityName,
} from './table.ts';
import { applyPush, Rejection, type PushContext } from './validate-push.ts';
import { must } from '../testing/must.ts';

/** The server's physical time in these tests. */
const NOW = BASE_WALL + 600_000;
const MINUTE = 60_000;
const at = (offsetMs: number, node = 'deviceA', counter = 0): Hlc =>
  formatHlc({ wall: NOW + offsetMs, counter, node });

function context(role: Role, physical = NOW): PushContext {
  return { role, clock: new HybridClock('server', () => physical), physicalNow: physical };
}

/** A master profile edited earlier by another device. */
function masterProfile(fields: Readonly<Record<string, unknown>> = {}, clockOffset = -MINUTE): AnyDoc {
  const doc = newDocument('profile', DOC_ID) as AnyDoc;
  const clocks = Object.fromEntries(Object.keys(fields).map((name) => [name, at(clockOffset, 'deviceB')]));
  return { ...doc, ...fields, clocks: { ...doc.clocks, ...clocks } };
}

/** What a device pushes: the master with some fields edited and stamped. */
function pushed(master: AnyDoc, edits: Readonly<Record<string, unknown>>, clock: Hlc | undefined): AnyDoc {
  const clocks: Record<string, Hlc> = { ...(master.clocks as Record<string, Hlc>) };
  for (const name of Object.keys(edits)) {
    if (clock === undefined) Reflect.deleteProperty(clocks, name);
    else clocks[name] = clock;
  }
  return { ...master, ...edits, clocks };
}

const email = (
  id: string,
  address: string,
  flags: { verified?: boolean; primary?: boolean } = {},
  when: Hlc = at(-MINUTE, 'deviceB'),
): AnySetEntry => ({
  id,
  at: when,
  removed: false,
  value: { address, label: '', verified: flags.verified ?? false, primary: flags.primary ?? false },
});

describe('applyPush: authority', () => {
  it('rejects a badge pushed by a user and keeps the master value, re-stamped by the server', () => {
    const master = masterProfile({ badge: 'none' });
    const push = pushed(master, { badge: 'verified' }, at(-1000));
    const outcome = applyPush('profile', master, push, context('user'));
    expect(outcome.rejections).toEqual([
      {
        docId: DOC_ID,
        field: 'badge',
        code: 'forbidden_field',
        message: 'Badge can only be changed by an administrator.',
      },
    ]);
    expect(outcome.doc.badge).toBe('none');
    expect(outcome.changed).toEqual([]);
    expect(parseHlc(must(outcome.doc.clocks.badge)).node).toBe('server');
    expect(compareHlc(must(outcome.doc.clocks.badge), must(master.clocks.badge))).toBe(1);
    expect(outcome.differsFromPush).toBe(true);
  });

  it('accepts a badge pushed by an admin', () => {
    const master = masterProfile({ badge: 'none' });
    const push = pushed(master, { badge: 'verified' }, at(-1000));
    const outcome = applyPush('profile', master, push, context('admin'));
    expect(outcome.rejections).toEqual([]);
    expect(outcome.doc.badge).toBe('verified');
    expect(outcome.doc.clocks.badge).toBe(at(-1000));
    expect(outcome.changed).toEqual(['badge']);
    expect(outcome.differsFromPush).toBe(false);
  });

  it('does not complain about an admin field a user pushed back unchanged', () => {
    const master = masterProfile({ badge: 'staff' });
    const outcome = applyPush('profile', master, { ...master }, context('user'));
    expect(outcome.rejections).toEqual([]);
    expect(outcome.differsFromPush).toBe(false);
  });

  it('refuses server-written fields to everyone, naming the server', () => {
    const master = newDocument('settings', DOC_ID) as AnyDoc;
    const token = {
      id: 'tok_1',
      name: 'CI',
      scopes: ['profile:read'],
      createdAt: '2025-01-01T00:00:00.000Z',
      lastUsedAt: null,
    };
    for (const role of ['user', 'admin'] as const) {
      const outcome = applyPush(
        'settings',
        master,
        pushed(master, { accessTokens: [token] }, at(0)),
        context(role),
      );
      expect(outcome.rejections).toMatchObject([
        {
          field: 'accessTokens',
          code: 'forbidden_field',
          message: 'Personal access tokens can only be changed by the server.',
        },
      ]);
      expect(outcome.doc.accessTokens).toEqual([]);
    }
  });
});

describe('applyPush: unknown fields', () => {
  it('rejects a field the entity does not have and leaves it out', () => {
    const master = masterProfile();
    const outcome = applyPush('profile', master, { ...master, nickname: 'Ace' }, context('user'));
    expect(outcome.rejections).toEqual([
      {
        docId: DOC_ID,
        field: 'nickname',
        code: 'unknown_field',
        message: 'profile has no field "nickname"; it was ignored.',
      },
    ]);
    expect(outcome.doc).not.toHaveProperty('nickname');
    expect(outcome.differsFromPush).toBe(true);
  });

  it('treats server-only secrets as unknown', () => {
    const master = newDocument('account', DOC_ID) as AnyDoc;
    const outcome = applyPush('account', master, { ...master, passwordHash: 'x' }, context('admin'));
    expect(outcome.rejections).toMatchObject([{ field: 'passwordHash', code: 'unknown_field' }]);
    expect(outcome.doc).not.toHaveProperty('passwordHash');
  });

  it('truncates a hostile field name in the message', () => {
    const master = masterProfile();
    const name = 'n'.repeat(10_000);
    const outcome = applyPush('profile', master, { ...master, [name]: 1 }, context('user'));
    expect(outcome.rejections[0]?.message.length).toBeLessThan(120);
  });

  it('does not treat inherited names as fields', () => {
    const master = masterProfile();
    const outcome = applyPush(
      'profile',
      master,
      { ...master, constructor: 'x', toString: 'y' },
      context('user'),
    );
    expect(outcome.rejections.map((r) => [r.field, r.code])).toEqual([
      ['constructor', 'unknown_field'],
      ['toString', 'unknown_field'],
    ]);
  });
});

describe('applyPush: invalid values and clocks', () => {
  it('rejects an invalid value with the path inside the field', () => {
    const master = masterProfile();
    const phone = {
      id: 'p1',
      at: at(-1000),
      removed: false,
      value: { number: '0301234', label: '', verified: false },
    };
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { phones: [phone] }, at(-1000)),
      context('user'),
    );
    expect(outcome.rejections).toEqual([
      {
        docId: DOC_ID,
        field: 'phones',
        code: 'invalid_value',
        message: 'Phone numbers (0.value.number): enter the number in international form, e.g. +14155550123',
      },
    ]);
    expect(outcome.doc.phones).toEqual([]);
    expect(outcome.changed).toEqual([]);
  });

  it('rejects an invalid top-level value without a path', () => {
    const master = masterProfile();
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'x'.repeat(81) }, at(-1000)),
      context('user'),
    );
    expect(outcome.rejections).toMatchObject([
      { field: 'displayName', code: 'invalid_value', message: 'Display name: at most 80 characters' },
    ]);
    expect(outcome.doc.displayName).toBe('');
  });

  it('rejects a change without a clock, or with a malformed one', () => {
    const master = masterProfile();
    for (const clocks of [{}, { displayName: 'yesterday' }, { displayName: 12 }]) {
      const push = { ...master, displayName: 'Ada', clocks };
      const outcome = applyPush('profile', master, push, context('user'));
      expect(outcome.rejections).toMatchObject([
        {
          field: 'displayName',
          code: 'invalid_value',
          message: 'Display name was changed without a valid clock.',
        },
      ]);
      expect(outcome.doc.displayName).toBe('');
    }
    const noClocks = applyPush(
      'profile',
      master,
      { ...master, displayName: 'Ada', clocks: 'nope' },
      context('user'),
    );
    expect(noClocks.rejections).toMatchObject([{ field: 'displayName', code: 'invalid_value' }]);
  });

  it('rejects a clock more than 5 minutes ahead of the server, accepts one just inside', () => {
    const master = masterProfile();
    const ahead = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'Ada' }, at(MAX_CLOCK_DRIFT_MS + 1000)),
      context('user'),
    );
    expect(ahead.rejections).toHaveLength(1);
    expect(ahead.rejections[0]).toMatchObject({ field: 'displayName', code: 'clock_drift' });
    expect(ahead.rejections[0]?.message).toMatch(/301 s ahead of the server \(at most 300 s allowed\)/);
    expect(ahead.doc.displayName).toBe('');

    const inside = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'Ada' }, at(MAX_CLOCK_DRIFT_MS - 1000)),
      context('user'),
    );
    expect(inside.rejections).toEqual([]);
    expect(inside.doc.displayName).toBe('Ada');
  });

  it('rejects a set whose element clock is too far ahead', () => {
    const master = masterProfile();
    const entry = {
      id: 'l1',
      at: at(10 * MINUTE),
      removed: false,
      value: { label: '', url: 'https://example.com' },
    };
    const outcome = applyPush('profile', master, pushed(master, { links: [entry] }, at(0)), context('user'));
    expect(outcome.rejections).toMatchObject([{ field: 'links', code: 'clock_drift' }]);
    expect(outcome.doc.links).toEqual([]);
  });

  it('honours a custom drift bound', () => {
    const master = masterProfile();
    const push = pushed(master, { displayName: 'Ada' }, at(2000));
    const outcome = applyPush('profile', master, push, { ...context('user'), maxDriftMs: 1000 });
    expect(outcome.rejections).toMatchObject([{ field: 'displayName', code: 'clock_drift' }]);
  });

  it('keeps the valid fields of a push that also has rejected ones', () => {
    const master = masterProfile();
    const push = {
      ...pushed(master, { displayName: 'Ada', headline: 'x'.repeat(500) }, at(0)),
      nickname: 'A',
    };
    const outcome = applyPush('profile', master, push, context('user'));
    expect(outcome.doc.displayName).toBe('Ada');
    expect(outcome.doc.headline).toBe('');
    expect(outcome.changed).toEqual(['displayName']);
    expect(outcome.rejections.map((r) => r.field).sort()).toEqual(['headline', 'nickname']);
  });

  it('stores the parsed value (e.g. trimmed) and says it differs from the push', () => {
    const master = masterProfile();
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { displayName: '  Ada  ' }, at(0)),
      context('user'),
    );
    expect(outcome.doc.displayName).toBe('Ada');
    expect(outcome.differsFromPush).toBe(true);
  });
});

describe('applyPush: server-owned keys of set elements', () => {
  it('keeps verified/primary false for a new email, accepting the rest', () => {
    const master = masterProfile();
    const added = email('e1', 'ada@example.com', { verified: true, primary: true }, at(-1000));
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { emails: [added] }, at(-1000)),
      context('user'),
    );
    expect(outcome.doc.emails).toEqual([
      {
        ...added,
        at: must((outcome.doc.emails as AnySetEntry[])[0]).at,
        value: { address: 'ada@example.com', label: '', verified: false, primary: false },
      },
    ]);
    expect(outcome.rejections.map((r) => [r.field, r.code])).toEqual([
      ['emails.verified', 'forbidden_field'],
      ['emails.primary', 'forbidden_field'],
    ]);
    expect(outcome.rejections[0]?.message).toBe(
      'Email addresses: "verified" is set by the server (after verification), not by the app.',
    );
    expect(outcome.changed).toEqual(['emails']);
    expect(outcome.differsFromPush).toBe(true);
  });

  it('keeps the master values of server-owned keys for existing elements', () => {
    const master = masterProfile({
      emails: [email('e1', 'ada@example.com', { verified: true, primary: true })],
    });
    // An honest edit: the label changes, the server-owned keys come back as the master had them.
    const relabelled = { ...email('e1', 'ada@example.com', { verified: true, primary: true }, at(-1000)) };
    relabelled.value = { ...(relabelled.value as object), label: 'work' };
    const honest = applyPush(
      'profile',
      master,
      pushed(master, { emails: [relabelled] }, at(-1000)),
      context('user'),
    );
    expect(honest.rejections).toEqual([]);
    expect(honest.doc.emails).toEqual([relabelled]);
    // A dishonest one: clearing `verified` is refused and the master value stays.
    const cleared = email('e1', 'ada@example.com', { verified: false, primary: true }, at(-1000));
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { emails: [cleared] }, at(-1000)),
      context('user'),
    );
    expect(outcome.rejections).toMatchObject([{ field: 'emails.verified', code: 'forbidden_field' }]);
    expect((outcome.doc.emails as AnySetEntry[])[0]?.value).toMatchObject({ verified: true, primary: true });
  });

  it('applies to phones too, and lets tombstones through', () => {
    const phone = (verified: boolean, when: Hlc): AnySetEntry => ({
      id: 'p1',
      at: when,
      removed: false,
      value: { number: '+14155550123', label: '', verified },
    });
    const master = masterProfile({ phones: [phone(false, at(-MINUTE, 'deviceB'))] });
    const lying = applyPush(
      'profile',
      master,
      pushed(master, { phones: [phone(true, at(-1000))] }, at(-1000)),
      context('user'),
    );
    expect(lying.rejections).toMatchObject([{ field: 'phones.verified', code: 'forbidden_field' }]);
    expect((lying.doc.phones as AnySetEntry[])[0]?.value).toMatchObject({ verified: false });
    const removal = { id: 'p1', at: at(-1000), removed: true };
    const removed = applyPush(
      'profile',
      master,
      pushed(master, { phones: [removal] }, at(-1000)),
      context('user'),
    );
    expect(removed.rejections).toEqual([]);
    expect(removed.doc.phones).toEqual([removal]);
  });

  it("a device's merge adopts the server's values of server-owned keys", () => {
    const master = masterProfile({ emails: [email('e1', 'ada@example.com')] });
    const lie = email('e1', 'ada@example.com', { verified: true, primary: true }, at(-1000));
    const push = pushed(master, { emails: [lie] }, at(-1000));
    const outcome = applyPush('profile', master, push, context('user'));
    // The device resolves the returned master state against what it pushed (RxDB conflict handler).
    const adopted = merge('profile', master, push, outcome.doc, 'user').doc;
    expect((adopted.emails as AnySetEntry[])[0]?.value).toMatchObject({ verified: false, primary: false });
    expect(canonicalJson(adopted)).toBe(canonicalJson(outcome.doc));
  });
});

describe('applyPush: clocks', () => {
  it('re-stamps an accepted edit whose clock does not sort after the master clock', () => {
    const master = masterProfile({ displayName: 'Old' }, -10_000);
    const lagging = at(-20_000); // this device's clock lags the one that wrote the master
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'New' }, lagging),
      context('user'),
    );
    expect(outcome.rejections).toEqual([]);
    expect(outcome.doc.displayName).toBe('New');
    expect(outcome.changed).toEqual(['displayName']);
    const stamp = must(outcome.doc.clocks.displayName);
    expect(parseHlc(stamp).node).toBe('server');
    expect(compareHlc(stamp, must(master.clocks.displayName))).toBe(1);
    expect(compareHlc(stamp, lagging)).toBe(1);
    expect(outcome.differsFromPush).toBe(true);
  });

  it('keeps a device clock that already sorts after the master clock', () => {
    const master = masterProfile({ displayName: 'Old' }, -10_000);
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'New' }, at(-5000)),
      context('user'),
    );
    expect(outcome.doc.clocks.displayName).toBe(at(-5000));
    expect(outcome.differsFromPush).toBe(false);
  });

  it('re-stamps after the master clock even when that clock is ahead of the server (fresh server clock)', () => {
    // The master was written by a device 4 minutes ahead (within the bound); the server clock
    // has not seen it (e.g. after a restart). A lagging device's edit must still sort after it.
    const master = masterProfile({ displayName: 'Old' }, 4 * MINUTE);
    const outcome = applyPush(
      'profile',
      master,
      pushed(master, { displayName: 'New' }, at(-1000)),
      context('user'),
    );
    expect(outcome.doc.displayName).toBe('New');
    expect(compareHlc(must(outcome.doc.clocks.displayName), must(master.clocks.displayName))).toBe(1);
  });

  it('stamps a rejected field after the pushed clock, so the device adopts the server value', () => {
    const master = masterProfile({ displayName: 'Kept' });
    const ahead = at(2 * MINUTE); // device clock 2 minutes fast: within the bound
    const push = pushed(master, { displayName: 'x'.repeat(81) }, ahead);
    const outcome = applyPush('profile', master, push, context('user'));
    expect(outcome.rejections).toMatchObject([{ field: 'displayName', code: 'invalid_value' }]);
    expect(compareHlc(must(outcome.doc.clocks.displayName), ahead)).toBe(1);
    expect(merge('profile', master, push, outcome.doc, 'user').doc.displayName).toBe('Kept');
  });

  it('re-stamps a value stored other than pushed, so the device adopts the stored form', () => {
    const master = masterProfile({ displayName: 'Old' });
    const spaced = '\u3000Ada'; // trimmed by the schema; sorts after "Ada" in canonical JSON
    const push = pushed(master, { displayName: spaced }, at(-1000));
    const outcome = applyPush('profile', master, push, context('user'));
    expect(outcome.doc.displayName).toBe('Ada');
    expect(compareHlc(must(outcome.doc.clocks.displayName), at(-1000))).toBe(1);
    expect(merge('profile', master, push, outcome.doc, 'user').doc.displayName).toBe('Ada');
  });

  it('observes accepted clocks so later server stamps sort after them', () => {
    const master = masterProfile();
    const ctx = context('user');
    applyPush('profile', master, pushed(master, { displayName: 'Ada' }, at(3 * MINUTE)), ctx);
    expect(compareHlc(ctx.clock.now(), at(3 * MINUTE))).toBe(1);
  });
});

describe('applyPush: documents', () => {
  it('starts from a new document when there is no master', () => {
    const push = pushed(newDocument('profile', DOC_ID), { displayName: 'Ada' }, at(0));
    const outcome = applyPush('profile', undefined, push, context('user'));
    expect(outcome.rejections).toEqual([]);
    expect(outcome.doc).toEqual(push);
    expect(outcome.differsFromPush).toBe(false);
  });

  it('reports an exact echo of the master as unchanged', () => {
    const master = masterProfile({ displayName: 'Ada', bio: 'Hi' });
    const outcome = applyPush('profile', master, { ...master }, context('user'));
    expect(outcome).toEqual({ doc: master, rejections: [], changed: [], differsFromPush: false });
  });

  it('ignores `_deleted` when comparing the stored document with the push', () => {
    const master = masterProfile({ displayName: 'Ada' });
    const push = pushed(master, { bio: 'Hello' }, at(0));
    const outcome = applyPush('profile', master, push, context('user'));
    expect(outcome.differsFromPush).toBe(false);
  });

  it('keeps the master id whatever the push says', () => {
    const master = masterProfile();
    const outcome = applyPush('profile', master, { ...master, id: 'someone-else' }, context('user'));
    expect(outcome.doc.id).toBe(DOC_ID);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over generated pushes

type EditKind = 'valid' | 'invalid' | 'noClock' | 'drift';
interface PushCase {
  readonly entity: EntityName;
  readonly role: Role;
  readonly master: AnyDoc | undefined;
  readonly push: AnyDoc;
  readonly kinds: Readonly<Record<string, EditKind>>;
}

const junk = ['x'.repeat(3000), 12_345, { not: 'valid' }, [{ id: '!', at: 'bad', removed: false }]];
/** Device clocks: stale (before the master), just after it, or ahead of the server within the bound. */
const arbPushClock = fc.oneof(
  arbClock(0, 3),
  arbClock(4, 7),
  fc
    .integer({ min: 1, max: 4 * MINUTE })
    .map((ahead) => formatHlc({ wall: NOW + ahead, counter: 0, node: 'deviceA' })),
);
const arbDriftClock = fc
  .integer({ min: MAX_CLOCK_DRIFT_MS + 1, max: 3 * MAX_CLOCK_DRIFT_MS })
  .map((ahead) => formatHlc({ wall: NOW + ahead, counter: 0, node: 'deviceA' }));

function arbPushCase(entity: EntityName): fc.Arbitrary<PushCase> {
  const names = replicatedFieldNames(entity);
  const edit = (name: string) => {
    const policy = must(policyOf(entity, name));
    const value = arbFieldValue(entity, name, arbClock(0, 7));
    const invalid = fc.constantFrom(...junk).filter((v) => !policy.schema.safeParse(v).success);
    return fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({ kind: fc.constant<EditKind>('valid'), value, clock: arbPushClock }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant<EditKind>('invalid'), value: invalid, clock: arbPushClock }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant<EditKind>('noClock'),
          value,
          clock: fc.constant(undefined),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant<EditKind>('drift'), value, clock: arbDriftClock }),
      },
    );
  };
  return fc
    .record({
      role: arbRole,
      master: fc.option(arbDoc(entity, { clock: arbClock(0, 3) }), { nil: undefined }),
      edits: fc.record(Object.fromEntries(names.map((n) => [n, edit(n)])), { requiredKeys: [] }),
      extra: fc.option(fc.constantFrom('nickname', 'passwordHash', '__proto__x'), { nil: undefined }),
    })
    .map(({ role, master, edits, extra }) => {
      const start: AnyDoc = master ?? newDocument(entity, DOC_ID);
      const doc: Record<string, unknown> = { ...start };
      const clocks: Record<string, Hlc> = { ...(start.clocks as Record<string, Hlc>) };
      const kinds: Record<string, EditKind> = {};
      for (const [name, e] of Object.entries(edits)) {
        if (e === undefined) continue;
        doc[name] = e.value;
        if (e.clock === undefined) Reflect.deleteProperty(clocks, name);
        else clocks[name] = e.clock;
        kinds[name] = e.kind;
      }
      doc.clocks = clocks;
      if (extra !== undefined) doc[extra] = 'x';
      return { entity, role, master, push: doc as AnyDoc, kinds };
    });
}

const arbCase = fc.constantFrom(...entityNames).chain(arbPushCase);
const run = (c: PushCase) => applyPush(c.entity, c.master, c.push, context(c.role));
const baseOf = (c: PushCase): AnyDoc => c.master ?? newDocument(c.entity, DOC_ID);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const withoutElementClocks = (value: unknown): unknown =>
  Array.isArray(value) ? value.map((e: unknown) => (isEntry(e) ? { ...e, at: undefined } : e)) : value;
const isEntry = (e: unknown): e is AnySetEntry =>
  typeof e === 'object' && e !== null && 'at' in e && 'id' in e;
const profileDefaults = Object.fromEntries(
  Object.entries(fieldsOf('profile')).map(([n, p]) => [n, p.visibility.default]),
);
/** Canonical form; visibility choices compare by effective level (an explicit default equals none). */
function comparable(name: string, value: unknown): string {
  if (name !== 'visibility' || typeof value !== 'object' || value === null) return canonicalJson(value);
  const levels = value as Record<string, unknown>;
  return canonicalJson(
    Object.fromEntries(Object.keys(profileDefaults).map((k) => [k, levels[k] ?? profileDefaults[k]])),
  );
}

describe('applyPush (properties)', () => {
  it('never throws, always stores a valid document, and reports well-formed rejections (I6)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const outcome = run(c);
        expect(documentSchemas[c.entity].safeParse(outcome.doc).success).toBe(true);
        const fields = new Set(Object.keys(fieldsOf(c.entity)));
        for (const rejection of outcome.rejections) {
          expect(Rejection.safeParse(rejection).success).toBe(true);
          expect(rejection.docId).toBe(DOC_ID);
          const top = must(rejection.field.split('.')[0]);
          expect(fields.has(top) || Object.hasOwn(c.push, rejection.field)).toBe(true);
        }
        expect(outcome.differsFromPush).toBe(!same(outcome.doc, c.push));
      }),
      fcOptions,
    );
  });

  it('never lets a role change a field it may not write (I4)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const outcome = run(c);
        const base = baseOf(c);
        for (const [name, policy] of Object.entries(fieldsOf(c.entity))) {
          if (!policy.replicated) continue;
          const writable =
            policy.merge !== 'server' &&
            (policy.writer === 'owner' || (policy.writer === 'admin' && c.role === 'admin'));
          if (writable) continue;
          expect(same(outcome.doc[name], base[name])).toBe(true);
          if (!same(c.push[name], base[name])) {
            expect(outcome.rejections).toContainEqual(
              expect.objectContaining({ field: name, code: 'forbidden_field' }),
            );
          }
        }
      }),
      fcOptions,
    );
  });

  it('applies valid edits, keeps the master value of rejected ones, and stamps both after the master', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const outcome = run(c);
        const base = baseOf(c);
        const rejected = new Set(outcome.rejections.map((r) => r.field));
        for (const name of replicatedFieldNames(c.entity)) {
          const stored = outcome.doc[name];
          if (rejected.has(name)) {
            expect(same(stored, base[name])).toBe(true);
            expect(outcome.changed).not.toContain(name);
          } else if (!same(c.push[name], base[name])) {
            expect(c.kinds[name]).toBe('valid');
            expect(outcome.changed).toContain(name);
            const nested = outcome.rejections.some((r) => r.field.startsWith(`${name}.`));
            if (!nested) expect(same(stored, c.push[name])).toBe(true);
          } else {
            expect(same(stored, base[name])).toBe(true);
            // An unchanged value keeps the master's clock, or the pushed one when that is later
            // (a device's merge kept the value as its own later edit).
            const kept = outcome.doc.clocks[name];
            const pushedClock = c.push.clocks[name];
            if (kept !== base.clocks[name]) {
              expect(kept).toBe(pushedClock);
              const masterClock = base.clocks[name];
              if (masterClock !== undefined) expect(compareHlc(must(kept), masterClock)).toBe(1);
            }
          }
          if (outcome.changed.includes(name) || rejected.has(name)) {
            const clock = must(outcome.doc.clocks[name]);
            expect(clock).toBeDefined();
            const masterClock = base.clocks[name];
            if (masterClock !== undefined) expect(compareHlc(clock, masterClock)).toBe(1);
            const pushedClock = c.push.clocks[name];
            if (pushedClock !== undefined && c.kinds[name] !== 'drift') {
              expect(compareHlc(clock, pushedClock)).toBeGreaterThanOrEqual(0);
            }
          }
        }
        for (const name of Object.keys(outcome.doc)) {
          if (name !== 'id' && name !== 'clocks') expect(policyOf(c.entity, name)?.replicated).toBe(true);
        }
      }),
      fcOptions,
    );
  });

  it("converges: the device's merge adopts what the server stored", () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const outcome = run(c);
        // The device passes the fields the server refused (as its conflict handler does), so a
        // refused value is dropped whatever the merge rule, even a clock beyond the drift bound.
        const refused = new Set(outcome.rejections.map((r) => r.field));
        const adopted = merge(c.entity, baseOf(c), c.push, outcome.doc, c.role, refused).doc;
        for (const [name, policy] of Object.entries(fieldsOf(c.entity))) {
          if (!policy.replicated) continue;
          expect(comparable(name, adopted[name]), name).toBe(comparable(name, outcome.doc[name]));
        }
      }),
      fcOptions,
    );
  });

  it('a retried push changes no value (I5)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const first = run(c);
        const again = applyPush(c.entity, first.doc, c.push, context(c.role));
        for (const name of replicatedFieldNames(c.entity)) {
          // A repeated false `verified` gets a fresh element stamp again; the values stay.
          expect(canonicalJson(withoutElementClocks(again.doc[name]))).toBe(
            canonicalJson(withoutElementClocks(first.doc[name])),
          );
        }
        expect(again.rejections.map((r) => [r.field, r.code])).toEqual(
          first.rejections
            .filter((r) => r.code !== 'invalid_value' || again.rejections.some((a) => a.field === r.field))
            .map((r) => [r.field, r.code]),
        );
      }),
      fcOptions,
    );
  });
});
