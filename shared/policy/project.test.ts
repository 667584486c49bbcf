// Projection per viewer (I3): never a field above the viewer's level, blocked sees nothing,
// owner-level fields never reach admins, tombstones and hidden clocks never leave.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VisibilityChoices } from '../entities/settings.ts';
import { arbDoc, arbLooseVisibilityChoices, arbVisibilityChoices, DOC_ID } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import {
  viewerRelations,
  visibilityLevels,
  type ViewerRelation,
  type VisibilityLevel,
} from '../visibility.ts';
import type { FieldPolicy } from './field.ts';
import { effectiveVisibility, project, ProjectedDoc, readableFields } from './project.ts';
import type { AnySetEntry } from './set-entry.ts';
import {
  entityNames,
  fieldsOf,
  newDocument,
  replicatedFieldNames,
  type AnyDoc,
  type EntityName,
} from './table.ts';
import { must } from '../testing/must.ts';

/** The most exposed-to-least order index each relation may read up to (hand-written oracle). */
const maxReadable: Record<ViewerRelation, number> = {
  self: 3, // public, contacts, private, owner
  admin: 2, // public, contacts, private — never owner
  contact: 1, // public, contacts
  'signed-in': 0, // public
  blocked: -1, // nothing
};
const rank = (level: VisibilityLevel) => visibilityLevels.indexOf(level);

/** The level the owner's choices give a field: an allowed choice, else the policy default. */
function oracleLevel(
  policy: FieldPolicy,
  name: string,
  choices: VisibilityChoices | undefined,
): VisibilityLevel {
  const chosen = choices?.[name];
  return chosen !== undefined && policy.visibility.choices.includes(chosen)
    ? chosen
    : policy.visibility.default;
}

const arbRelation = fc.constantFrom(...viewerRelations);
const arbChoices = fc.option(fc.oneof(arbVisibilityChoices, arbLooseVisibilityChoices), { nil: undefined });
const arbEntity = fc.constantFrom(...entityNames);
const arbCase = arbEntity.chain((entity) =>
  fc.record({ entity: fc.constant(entity), doc: arbDoc(entity), relation: arbRelation, choices: arbChoices }),
);

describe('project (properties)', () => {
  it('never returns a field above the viewer level; blocked gets null', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, relation, choices }) => {
        const projected = project(entity, doc, relation, choices);
        if (relation === 'blocked') {
          expect(projected).toBeNull();
          return;
        }
        expect(projected).not.toBeNull();
        const policies = fieldsOf(entity);
        for (const key of Object.keys(must(projected))) {
          if (key === 'id' || key === 'clocks') continue;
          const policy = policies[key];
          expect(policy, `unexpected key ${key}`).toBeDefined();
          expect(must(policy).replicated).toBe(true);
          expect(rank(oracleLevel(must(policy), key, choices))).toBeLessThanOrEqual(maxReadable[relation]);
          // Whatever the owner chose, a field is never shown above every level its policy allows.
          expect(must(policy).visibility.choices.some((level) => rank(level) <= maxReadable[relation])).toBe(
            true,
          );
        }
        for (const key of Object.keys(must(projected).clocks))
          expect(Object.hasOwn(must(projected), key)).toBe(true);
      }),
      fcOptions,
    );
  });

  it('never shows an owner-level field to an admin', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, choices }) => {
        const projected = must(project(entity, doc, 'admin', choices));
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          if (oracleLevel(policy, name, choices) === 'owner') {
            expect(projected).not.toHaveProperty(name);
            expect(projected.clocks).not.toHaveProperty(name);
          }
        }
        expect(projected).not.toHaveProperty('blocked');
      }),
      fcOptions,
    );
  });

  it('shows every readable field (no over-hiding), with its clock and without tombstones', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, relation, choices }) => {
        const projected = project(entity, doc, relation, choices);
        if (projected === null) return;
        const policies = fieldsOf(entity);
        for (const name of replicatedFieldNames(entity)) {
          const policy = must(policies[name]);
          if (rank(oracleLevel(policy, name, choices)) > maxReadable[relation]) continue;
          expect(projected).toHaveProperty(name);
          expect(projected.clocks[name]).toBe(doc.clocks[name]);
          if (policy.merge === 'set') {
            const expected = (doc[name] as AnySetEntry[]).filter((e) => !e.removed);
            expect(projected[name]).toEqual(expected);
          } else {
            expect(projected[name]).toEqual(doc[name]);
          }
        }
        expect(ProjectedDoc.safeParse(projected).success).toBe(true);
        expect(projected.id).toBe(doc.id);
      }),
      fcOptions,
    );
  });

  it('agrees with readableFields and ignores choices the policy does not allow', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, relation, choices }) => {
        const projected = project(entity, doc, relation, choices);
        const keys =
          projected === null ? [] : Object.keys(projected).filter((k) => k !== 'id' && k !== 'clocks');
        expect(keys.sort()).toEqual(readableFields(entity, relation, choices).sort());
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          const level = effectiveVisibility(policy, name, choices);
          expect(policy.visibility.choices).toContain(level);
          if (policy.visibility.choices.length === 1) expect(level).toBe(policy.visibility.default);
        }
      }),
      fcOptions,
    );
  });

  it('is monotonic in the relation: a wider reader sees a superset', () => {
    const order: ViewerRelation[] = ['blocked', 'signed-in', 'contact', 'admin', 'self'];
    fc.assert(
      fc.property(arbCase, ({ entity, doc, choices }) => {
        let previous: string[] = [];
        for (const relation of order) {
          const keys = Object.keys(project(entity, doc, relation, choices) ?? {});
          for (const key of previous) expect(keys).toContain(key);
          previous = keys;
        }
      }),
      fcOptions,
    );
  });
});

describe('project (unit)', () => {
  const base = newDocument('profile', DOC_ID) as AnyDoc;
  const profile: AnyDoc = {
    ...base,
    displayName: 'Ada',
    legalName: 'Ada King',
    birthday: '1990-12-10',
    timeZone: 'Europe/London',
    contacts: [
      { id: '0b6f1e1a-1111-4aaa-8aaa-000000000001', at: '001750000000000-00000-dev', removed: false },
      { id: '0b6f1e1a-2222-4bbb-9bbb-000000000002', at: '001750000000001-00000-dev', removed: true },
    ],
    blocked: [
      { id: '0b6f1e1a-3333-4ccc-accc-000000000003', at: '001750000000000-00000-dev', removed: false },
    ],
    clocks: { displayName: '001750000000000-00000-dev', legalName: '001750000000000-00001-dev' },
  };

  it('applies the defaults without choices', () => {
    const signedIn = must(project('profile', profile, 'signed-in'));
    expect(signedIn.displayName).toBe('Ada');
    expect(signedIn).not.toHaveProperty('legalName');
    expect(signedIn).not.toHaveProperty('birthday');
    expect(signedIn).not.toHaveProperty('timeZone'); // contacts by default
    expect(signedIn.clocks).toEqual({ displayName: '001750000000000-00000-dev' });
    expect(must(project('profile', profile, 'contact')).timeZone).toBe('Europe/London');
  });

  it('follows an allowed widening and ignores a disallowed choice', () => {
    expect(must(project('profile', profile, 'signed-in', { legalName: 'public' })).legalName).toBe(
      'Ada King',
    );
    // `owner` is not among legalName's choices: the default (private) applies, so admins still see it.
    expect(must(project('profile', profile, 'admin', { legalName: 'owner' })).legalName).toBe('Ada King');
    expect(project('profile', profile, 'contact', { legalName: 'owner' })).not.toHaveProperty('legalName');
    // displayName is fixed at public; a choice for it changes nothing.
    expect(must(project('profile', profile, 'signed-in', { displayName: 'private' })).displayName).toBe(
      'Ada',
    );
    // A narrowing hides the field from those who could read it before.
    expect(project('profile', profile, 'contact', { timeZone: 'private' })).not.toHaveProperty('timeZone');
  });

  it('gives blocked viewers nothing at all', () => {
    expect(project('profile', profile, 'blocked', { displayName: 'public' })).toBeNull();
  });

  it('never gives admins the owner-only blocked list, but gives it to the owner', () => {
    expect(project('profile', profile, 'admin')).not.toHaveProperty('blocked');
    expect(must(project('profile', profile, 'self')).blocked).toHaveLength(1);
  });

  it('drops tombstones and unknown keys', () => {
    const hostile: AnyDoc = { ...profile, secretNote: 'x', passwordHash: 'h', _deleted: false };
    const admin = must(project('profile', hostile, 'admin'));
    expect(admin.contacts).toEqual([profile.contacts && (profile.contacts as AnySetEntry[])[0]]);
    for (const key of ['secretNote', 'passwordHash', '_deleted']) expect(admin).not.toHaveProperty(key);
    const account = must(
      project('account', { ...(newDocument('account', DOC_ID) as AnyDoc), passwordHash: 'h' }, 'self'),
    );
    expect(account).not.toHaveProperty('passwordHash');
  });

  it('effectiveVisibility reads a valid choice only', () => {
    const policy = must(fieldsOf('profile').bio);
    expect(effectiveVisibility(policy, 'bio', undefined)).toBe('public');
    expect(effectiveVisibility(policy, 'bio', { bio: 'contacts' })).toBe('contacts');
    expect(effectiveVisibility(policy, 'bio', { bio: 'owner' })).toBe('public');
    expect(effectiveVisibility(policy, 'bio', { bio: 'nonsense' as VisibilityLevel })).toBe('public');
  });

  it('readableFields lists, per relation, the fields at readable levels', () => {
    const entity: EntityName = 'profile';
    expect(readableFields(entity, 'blocked')).toEqual([]);
    expect(readableFields(entity, 'self')).toEqual(replicatedFieldNames(entity));
    expect(readableFields(entity, 'admin')).not.toContain('blocked');
    expect(readableFields(entity, 'signed-in')).toEqual(
      expect.arrayContaining(['displayName', 'pronouns', 'headline', 'bio', 'avatar', 'links', 'badge']),
    );
    expect(readableFields(entity, 'signed-in')).not.toContain('contacts');
  });
});
