// The field policy table: one entry per field, internally consistent, new documents valid, and
// the schemas' validation messages are the ones users see.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accountSecretFields } from '../entities/account.ts';
import { profileFields } from '../entities/profile.ts';
import {
  choosableProfileFields,
  NotificationMatrix,
  SECURITY_ALERTS_REASON,
  settingsFields,
  VisibilityChoices,
} from '../entities/settings.ts';
import { DOC_ID } from '../testing/arbitraries.ts';
import { clientMayWrite, roleMayWrite } from './authority.ts';
import { policyDocRows } from './doc-rows.ts';
import { field } from './field.ts';
import {
  documentSchemas,
  entityNames,
  fieldsOf,
  newDocument,
  policyOf,
  policyTable,
  replicatedFieldNames,
} from './table.ts';
import { must } from '../testing/must.ts';

function firstMessage(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

describe('policy table', () => {
  it.each(entityNames)('%s: every field is complete and consistent', (entity) => {
    for (const [name, policy] of Object.entries(fieldsOf(entity))) {
      expect(policy.label, name).not.toBe('');
      expect(policy.description, name).not.toBe('');
      expect(policy.visibility.choices, name).toContain(policy.visibility.default);
      expect(policy.schema.safeParse(policy.initial).success, `${entity}.${name} initial`).toBe(true);
      if (policy.merge === 'set') expect(policy.schema, name).toBeInstanceOf(z.ZodArray);
      if (policy.merge === 'restrictive') expect(policy.writer, name).toBe('owner');
      if (policy.writer === 'server') expect(policy.merge, name).toBe('server');
      if (policy.serverOwnedKeys.length > 0) expect(policy.merge, name).toBe('set');
    }
  });

  it('keeps secrets out of documents and out of every export', () => {
    for (const [name, policy] of Object.entries(accountSecretFields)) {
      expect(policy.replicated, name).toBe(false);
      expect(policy.export, name).toBe('never');
      expect(policy.visibility.default, name).toBe('owner');
      expect(replicatedFieldNames('account')).not.toContain(name);
      expect(policyOf('account', name)).toBe(policy);
    }
    for (const entity of entityNames) {
      for (const [name, policy] of Object.entries(fieldsOf(entity))) {
        if (policy.export === 'never') expect(policy.replicated, `${entity}.${name}`).toBe(false);
      }
    }
  });

  it('lists every field of profile and settings as replicated', () => {
    expect(replicatedFieldNames('profile')).toEqual(Object.keys(profileFields));
    expect(replicatedFieldNames('settings')).toEqual(Object.keys(settingsFields));
    expect(Object.keys(policyTable)).toEqual([...entityNames]);
  });

  it('policyOf finds own fields only', () => {
    expect(policyOf('profile', 'displayName')).toBe(profileFields.displayName);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'nickname', '']) {
      expect(policyOf('profile', name), name).toBeUndefined();
    }
  });

  it('offers owner-only visibility only for fields fixed at owner', () => {
    for (const entity of entityNames) {
      for (const [name, policy] of Object.entries(fieldsOf(entity))) {
        if (policy.visibility.choices.length > 1)
          expect(policy.visibility.choices, name).not.toContain('owner');
      }
    }
  });

  it('derives the settings visibility choices from the profile policy', () => {
    const choosable = Object.entries(profileFields)
      .filter(([, p]) => p.visibility.choices.length > 1)
      .map(([n]) => n);
    expect(choosableProfileFields).toEqual(choosable);
    expect(Object.keys(VisibilityChoices.shape).sort()).toEqual([...choosable].sort());
    expect(choosable).not.toContain('displayName');
    expect(choosable).not.toContain('badge');
  });

  it('field() refuses an inconsistent entry', () => {
    const base = {
      label: 'X',
      description: 'x',
      schema: z.string(),
      initial: '',
      writer: 'owner',
      merge: 'lww',
      export: 'include',
    } as const;
    expect(() => field({ ...base, visibility: { default: 'public', choices: ['private'] } })).toThrow(
      /default visibility/,
    );
    expect(() => field({ ...base, visibility: 'public', merge: 'set' })).toThrow(/set field/);
    expect(field({ ...base, visibility: 'contacts' })).toMatchObject({
      visibility: { default: 'contacts', choices: ['contacts'] },
      replicated: true,
      serverOwnedKeys: [],
    });
  });

  it('policyDocRows documents every field of every entity once', () => {
    const rows = policyDocRows();
    const expected = entityNames.flatMap((entity) =>
      Object.keys(fieldsOf(entity)).map((n) => `${entity}.${n}`),
    );
    expect(rows.map((r) => `${r.entity}.${r.field}`)).toEqual(expected);
    for (const row of rows) {
      expect(row.jsonSchema).toBeTypeOf('object');
      expect(row.visibilityChoices).toContain(row.visibilityDefault);
    }
  });
});

describe('authority', () => {
  it('roleMayWrite follows the writer column', () => {
    expect(roleMayWrite('owner', 'user')).toBe(true);
    expect(roleMayWrite('owner', 'admin')).toBe(true);
    expect(roleMayWrite('admin', 'user')).toBe(false);
    expect(roleMayWrite('admin', 'admin')).toBe(true);
    expect(roleMayWrite('server', 'user')).toBe(false);
    expect(roleMayWrite('server', 'admin')).toBe(false);
  });

  it('clientMayWrite also refuses server-merged and non-replicated fields', () => {
    expect(clientMayWrite(profileFields.displayName, 'user')).toBe(true);
    expect(clientMayWrite(profileFields.badge, 'user')).toBe(false);
    expect(clientMayWrite(profileFields.badge, 'admin')).toBe(true);
    expect(clientMayWrite(must(fieldsOf('account').role), 'admin')).toBe(false);
    expect(clientMayWrite(settingsFields.accessTokens, 'admin')).toBe(false);
    expect(clientMayWrite(accountSecretFields.passwordHash, 'admin')).toBe(false);
  });
});

describe('newDocument', () => {
  it.each(entityNames)('creates a valid %s document at the initial values, without clocks', (entity) => {
    const doc = newDocument(entity, DOC_ID);
    expect(documentSchemas[entity].safeParse(doc).success).toBe(true);
    expect(doc.id).toBe(DOC_ID);
    expect(doc.clocks).toEqual({});
    expect(Object.keys(doc).sort()).toEqual(['clocks', 'id', ...replicatedFieldNames(entity)].sort());
    for (const name of replicatedFieldNames(entity)) {
      expect((doc as Record<string, unknown>)[name]).toEqual(must(policyOf(entity, name)).initial);
    }
  });

  it('returns fresh copies, never the shared initial values', () => {
    const a = newDocument('settings', DOC_ID);
    const b = newDocument('settings', DOC_ID);
    expect(a.notifications).not.toBe(settingsFields.notifications.initial);
    (a.notifications.account as { email: boolean }).email = false;
    expect(b.notifications.account.email).toBe(true);
    expect(settingsFields.notifications.initial.account.email).toBe(true);
  });

  it('refuses an id that is not a user id', () => {
    expect(() => newDocument('profile', 'not-a-uuid')).toThrow();
  });

  it('leaves the account secrets out', () => {
    const doc = newDocument('account', DOC_ID) as Record<string, unknown>;
    for (const name of Object.keys(accountSecretFields)) expect(doc).not.toHaveProperty(name);
  });

  it('document schemas refuse unknown fields and unknown clocks', () => {
    const doc = newDocument('profile', DOC_ID);
    expect(documentSchemas.profile.safeParse({ ...doc, nickname: 'x' }).success).toBe(false);
    expect(
      documentSchemas.profile.safeParse({ ...doc, clocks: { nickname: '001750000000000-00000-a' } }).success,
    ).toBe(false);
  });
});

describe('validation messages', () => {
  const profile = profileFields;

  it('phones must be E.164', () => {
    const phone = (number: string) => [
      {
        id: 'p1',
        at: '001750000000000-00000-a',
        removed: false,
        value: { number, label: '', verified: false },
      },
    ];
    expect(profile.phones.schema.safeParse(phone('+14155550123')).success).toBe(true);
    expect(profile.phones.schema.safeParse(phone('+4930123456789012')).success).toBe(false); // 16 digits
    for (const bad of ['4155550123', '+0415555012', '+1 415 555 0123', '+123456']) {
      const result = profile.phones.schema.safeParse(phone(bad));
      expect(result.success, bad).toBe(false);
      const messages = result.error?.issues.map((i) => i.message) ?? [];
      expect(messages.join('\n'), bad).toContain('enter the number in international form, e.g. +14155550123');
    }
  });

  it('links must be https', () => {
    const link = (url: string) => [
      { id: 'l1', at: '001750000000000-00000-a', removed: false, value: { label: '', url } },
    ];
    expect(profile.links.schema.safeParse(link('https://example.com/me')).success).toBe(true);
    for (const bad of ['http://example.com', 'javascript:alert(1)', 'ftp://example.com', 'example.com']) {
      const result = profile.links.schema.safeParse(link(bad));
      expect(result.success, bad).toBe(false);
      const messages = result.error?.issues.map((i) => i.message).join('\n') ?? '';
      expect(messages, bad).toContain('enter a web address starting with https://');
    }
  });

  it('time zones must be IANA names', () => {
    expect(profile.timeZone.schema.safeParse('Europe/Berlin').success).toBe(true);
    expect(profile.timeZone.schema.safeParse(null).success).toBe(true);
    for (const bad of ['Mars/Olympus_Mons', '', 'GMT+25']) {
      expect(firstMessage(profile.timeZone.schema, bad), bad).toBe(
        'expected a time zone such as Europe/Berlin',
      );
    }
  });

  it('security notifications cannot be turned off by email or in the app', () => {
    const initial = settingsFields.notifications.initial;
    expect(NotificationMatrix.safeParse(initial).success).toBe(true);
    // Desktop notices of security alerts may be turned off.
    expect(
      NotificationMatrix.safeParse({ ...initial, security: { ...initial.security, desktop: false } }).success,
    ).toBe(true);
    for (const channel of ['email', 'inApp'] as const) {
      const off = { ...initial, security: { ...initial.security, [channel]: false } };
      const result = NotificationMatrix.safeParse(off);
      expect(result.success, channel).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['security', channel]);
      expect(result.error?.issues[0]?.message).toBe(SECURITY_ALERTS_REASON);
    }
  });

  it('visibility choices are limited to the levels each field allows', () => {
    expect(VisibilityChoices.safeParse({ legalName: 'public', bio: 'private' }).success).toBe(true);
    expect(firstMessage(VisibilityChoices, { legalName: 'owner' })).toBe(
      'allowed levels: public, contacts, private',
    );
    expect(VisibilityChoices.safeParse({ displayName: 'private' }).success).toBe(false);
    expect(VisibilityChoices.safeParse({ bio: 'everyone' }).success).toBe(false);
  });

  it('other value messages', () => {
    expect(firstMessage(profile.displayName.schema, 'x'.repeat(81))).toBe('at most 80 characters');
    expect(profile.displayName.schema.parse('  Ada  ')).toBe('Ada');
    expect(firstMessage(profile.birthday.schema, '1899-12-31')).toBe('a birthday must be after 1900');
    expect(firstMessage(profile.birthday.schema, '2001-02-30')).toBe('expected a date as YYYY-MM-DD');
    expect(firstMessage(profile.locale.schema, 'not a tag!')).toBe(
      'expected a language tag such as en or pt-BR',
    );
    expect(profile.locale.schema.safeParse('pt-BR').success).toBe(true);
    expect(firstMessage(profile.avatar.schema, { hash: 'x', mime: 'image/png', size: 1 })).toBe(
      'expected a SHA-256 hex digest',
    );
    expect(
      firstMessage(profile.avatar.schema, { hash: 'a'.repeat(64), mime: 'image/png', size: 3 * 1024 * 1024 }),
    ).toBe('an avatar must be at most 2 MiB');
    expect(
      firstMessage(settingsFields.quietHours.schema, { enabled: true, start: '24:00', end: '07:00' }),
    ).toBe('expected a time as HH:MM');
    const duplicate = [
      { id: 'a', at: '001750000000000-00000-a', removed: true },
      { id: 'a', at: '001750000000001-00000-a', removed: true },
    ];
    expect(firstMessage(profile.contacts.schema, duplicate)).toBe('each id must appear once');
    expect(firstMessage(profile.links.schema, duplicate)).toBe('each entry id must appear once');
  });
});
