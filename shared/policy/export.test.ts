// Export redaction: `never` in no export, owner-level fields never to admins, `redact` as a marker
// for admins only, sets as their live values without clocks or tombstones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical.ts';
import { arbDoc, DOC_ID } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import { canRead } from '../visibility.ts';
import { REDACTED, redactForExport, type ExportAudience } from './export.ts';
import type { AnySetEntry } from './set-entry.ts';
import { entityNames, fieldsOf, newDocument, type AnyDoc } from './table.ts';
import { must } from '../testing/must.ts';

const secrets = {
  passwordHash: '$argon2id$v=19$secret',
  totpSecret: 'JBSWY3DPEHPK3PXP',
  recoveryCodes: ['RECOVERY-HASH-ONE', 'RECOVERY-HASH-TWO'],
};
const arbAudience = fc.constantFrom<ExportAudience>('owner', 'admin');
/** Generated documents; account documents also carry the server-only secrets, as server rows do. */
const arbCase = fc.constantFrom(...entityNames).chain((entity) =>
  fc.record({
    entity: fc.constant(entity),
    doc: arbDoc(entity).map((d): AnyDoc => (entity === 'account' ? { ...d, ...secrets } : d)),
    audience: arbAudience,
  }),
);

describe('redactForExport (properties)', () => {
  it('never exports a `never` field, to anyone', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, audience }) => {
        const out = redactForExport(entity, doc, audience);
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          if (policy.export === 'never') expect(out).not.toHaveProperty(name);
        }
        const text = JSON.stringify(out);
        for (const secret of Object.values(secrets).flat()) expect(text).not.toContain(secret);
      }),
      fcOptions,
    );
  });

  it('never gives admins a field that can be owner-only', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc }) => {
        const out = redactForExport(entity, doc, 'admin');
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          const ownerOnly = [policy.visibility.default, ...policy.visibility.choices].some(
            (level) => !canRead('admin', level),
          );
          if (ownerOnly) expect(out).not.toHaveProperty(name);
        }
        expect(out).not.toHaveProperty('blocked');
      }),
      fcOptions,
    );
  });

  it('redacts `redact` fields for admins only, and exports everything else as stored', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc, audience }) => {
        const out = redactForExport(entity, doc, audience);
        for (const [name, value] of Object.entries(out)) {
          const policy = must(fieldsOf(entity)[name]);
          const stored =
            policy.merge === 'set'
              ? (doc[name] as AnySetEntry[]).filter((e) => !e.removed).map((e) => e.value ?? e.id)
              : doc[name];
          const empty = stored === null || stored === '' || (Array.isArray(stored) && stored.length === 0);
          if (audience === 'admin' && policy.export === 'redact' && !empty) {
            expect(value).toBe(REDACTED);
          } else {
            expect(canonicalJson(value)).toBe(canonicalJson(stored));
          }
        }
      }),
      fcOptions,
    );
  });

  it('gives the owner every exportable field, and only policy fields', () => {
    fc.assert(
      fc.property(arbCase, ({ entity, doc }) => {
        const out = redactForExport(entity, { ...doc, junk: 'x' }, 'owner');
        const expected = Object.entries(fieldsOf(entity))
          .filter(([name, policy]) => policy.export !== 'never' && Object.hasOwn(doc, name))
          .map(([name]) => name);
        expect(Object.keys(out).sort()).toEqual(expected.sort());
        for (const [name, policy] of Object.entries(fieldsOf(entity))) {
          if (policy.merge !== 'set' || !Array.isArray(out[name])) continue;
          for (const element of out[name] as unknown[]) {
            // Live values only: no element clocks, no tombstone flags.
            if (typeof element === 'object' && element !== null) {
              expect(element).not.toHaveProperty('at');
              expect(element).not.toHaveProperty('removed');
            }
          }
        }
        expect(Object.values(out)).not.toContain(REDACTED);
      }),
      fcOptions,
    );
  });
});

describe('redactForExport (unit)', () => {
  const profile: AnyDoc = {
    ...(newDocument('profile', DOC_ID) as AnyDoc),
    displayName: 'Ada',
    legalName: 'Ada King',
    phones: [
      {
        id: 'p1',
        at: '001750000000000-00000-dev',
        removed: false,
        value: { number: '+14155550123', label: '', verified: false },
      },
      { id: 'p2', at: '001750000000000-00000-dev', removed: true },
    ],
    blocked: [
      { id: '0b6f1e1a-3333-4ccc-accc-000000000003', at: '001750000000000-00000-dev', removed: false },
    ],
  };

  it('redacts set values for admins and gives the owner their live values', () => {
    const admin = redactForExport('profile', profile, 'admin');
    expect(admin.displayName).toBe('Ada');
    expect(admin.legalName).toBe(REDACTED);
    expect(admin.phones).toBe(REDACTED);
    expect(admin.birthday).toBeNull(); // unset: admins learn it is empty, not a marker
    expect(admin.addresses).toEqual([]);
    expect(admin).not.toHaveProperty('blocked');
    const owner = redactForExport('profile', profile, 'owner');
    expect(owner.legalName).toBe('Ada King');
    expect(owner.phones).toEqual([{ number: '+14155550123', label: '', verified: false }]);
    expect(owner.blocked).toEqual(['0b6f1e1a-3333-4ccc-accc-000000000003']);
  });

  it('never exports account secrets, even to the owner', () => {
    const account = { ...(newDocument('account', DOC_ID) as AnyDoc), ...secrets };
    for (const audience of ['owner', 'admin'] as const) {
      const out = redactForExport('account', account, audience);
      expect(out).not.toHaveProperty('passwordHash');
      expect(out).not.toHaveProperty('totpSecret');
      expect(out).not.toHaveProperty('recoveryCodes');
      expect(out.email).toBe('unset@invalid.example');
    }
  });

  it('leaves out fields the document does not have', () => {
    expect(redactForExport('profile', { id: DOC_ID, clocks: {}, bio: 'hi' }, 'owner')).toEqual({ bio: 'hi' });
  });
});
