// Bulk exports are redacted by the policy table, in every format: a canary is planted in every
// field of every entity (secrets included), and each field must come out as its export class and
// visibility say — `include` as stored, `redact` as the marker, `never` and owner-only not at all.
// CSV cells survive a round trip through a CSV parser with hostile values, formula prefixes
// neutralised.
import { randomBytes } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminExportDocument, AdminExportRow, ExportJob, type ExportFormat } from '#shared/contract/admin';
import { REDACTED } from '#shared/policy/export';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { applyLocalEdit } from '#shared/policy/stamp';
import { entityNames, fieldsOf, type EntityName } from '#shared/policy/table';
import { canRead } from '#shared/visibility';
import { changeAccount } from '../../sync-server/accounts/account-doc.ts';
import { csvRecords } from '../../sync-server/export/csv.ts';
import { pushOwnPatch } from '../helpers/owner-api.ts';
import { api, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let server: TestServer;
let root: TestUser;
let subject: TestUser;
const reason = 'quarterly compliance export';

const canary = () => `cnry${randomBytes(8).toString('hex')}`;

/** For each field, the value planted and (when the value can be unique) the canary inside it. */
const planted: Record<EntityName, Record<string, { canary?: string }>> = {
  profile: {},
  settings: {},
  account: {},
};

function plant(entity: EntityName, field: string, value?: string): string | undefined {
  planted[entity][field] = value === undefined ? {} : { canary: value };
  return value;
}

type Expectation = 'include' | 'redact' | 'absent';

/** What an admin export must do with a field, straight from its policy entry. */
function expectation(entity: EntityName, field: string): Expectation {
  const policy = fieldsOf(entity)[field];
  if (policy === undefined) throw new Error(`${entity}.${field}?`);
  const levels = [policy.visibility.default, ...policy.visibility.choices];
  if (policy.export === 'never' || levels.some((level) => !canRead('admin', level))) return 'absent';
  return policy.export === 'redact' ? 'redact' : 'include';
}

beforeAll(async () => {
  server = await startTestServer();
  root = await server.createUser('root', 'admin');
  subject = await server.createUser('subject');
  const owner = { baseUrl: server.url, token: subject.token };
  const { store, clock } = server.server;

  // Profile: every field through the owner's own pushes.
  await pushOwnPatch(owner, 'profiles', (doc, stamp) => {
    const put = (field: string, entry: Omit<AnySetEntry, 'at'>) =>
      putEntry((doc[field] ?? []) as AnySetEntry[], { ...entry, at: stamp() });
    const hash = randomBytes(32).toString('hex');
    return {
      displayName: plant('profile', 'displayName', canary()),
      legalName: plant('profile', 'legalName', canary()),
      pronouns: plant('profile', 'pronouns', canary()),
      headline: plant('profile', 'headline', canary()),
      bio: plant('profile', 'bio', canary()),
      birthday: (plant('profile', 'birthday'), '1987-06-05'),
      locale: (plant('profile', 'locale'), 'pt-BR'),
      timeZone: (plant('profile', 'timeZone'), 'Pacific/Chatham'),
      avatar: { hash: plant('profile', 'avatar', hash), mime: 'image/png', size: 1234 },
      emails: put('emails', {
        id: 'e1',
        removed: false,
        value: {
          address: `${plant('profile', 'emails', canary()) ?? ''}@example.test`,
          label: 'home',
          verified: false,
          primary: false,
        },
      }),
      phones: put('phones', {
        id: 'p1',
        removed: false,
        value: { number: plant('profile', 'phones', '+19995550123') ?? '', label: 'mobile', verified: false },
      }),
      addresses: put('addresses', {
        id: 'a1',
        removed: false,
        value: {
          label: 'home',
          street: plant('profile', 'addresses', canary()) ?? '',
          locality: 'Berlin',
          region: '',
          postalCode: '10115',
          country: 'DE',
        },
      }),
      links: put('links', {
        id: 'l1',
        removed: false,
        value: { label: 'site', url: `https://${plant('profile', 'links', canary()) ?? ''}.example` },
      }),
      contacts: put('contacts', { id: plant('profile', 'contacts', canary()) ?? '', removed: false }),
      blocked: put('blocked', { id: plant('profile', 'blocked', canary()) ?? '', removed: false }),
    };
  });
  plant('profile', 'badge');

  // Settings: the owner's fields by push, the server's (integration metadata) through the store.
  await pushOwnPatch(owner, 'settings', () => {
    for (const field of [
      'notifications',
      'quietHours',
      'visibility',
      'discoverable',
      'theme',
      'language',
      'dateFormat',
      'startPage',
    ]) {
      plant('settings', field);
    }
    return {
      theme: 'dark',
      quietHours: { enabled: true, start: '21:00', end: '06:30' },
      visibility: { pronouns: 'contacts' },
    };
  });
  await store.writeDocument('settings', subject.userId, (current) => {
    if (current === undefined) throw new Error('no settings');
    const data = applyLocalEdit(
      'settings',
      current.data,
      {
        accessTokens: [
          {
            id: 'tok1',
            name: plant('settings', 'accessTokens', canary()),
            scopes: ['profile:read'],
            createdAt: '2026-01-01T00:00:00.000Z',
            lastUsedAt: null,
          },
        ],
        webhooks: [
          {
            id: 'wh1',
            url: `https://${plant('settings', 'webhooks', canary()) ?? ''}.example/hook`,
            events: ['profile.updated'],
            createdAt: '2026-01-01T00:00:00.000Z',
            status: 'active',
          },
        ],
      },
      () => clock.now(),
    );
    return { write: { data, deleted: false, ownerId: subject.userId }, result: undefined };
  });

  // Account: the row's fields, and secrets that exist only in server tables.
  plant('account', 'email', subject.email.split('@')[0]);
  await changeAccount(server.server.accounts, subject.userId, {
    pendingEmail: `${plant('account', 'pendingEmail', canary()) ?? ''}@example.test`,
  });
  for (const field of ['emailVerified', 'role', 'status', 'twoFactorEnabled', 'createdAt', 'deletionDueAt'])
    plant('account', field);
  await store.updateUser(subject.userId, {
    passwordHash: `$argon2id$v=19$m=1024,t=1,p=1$${plant('account', 'passwordHash', canary()) ?? ''}`,
    totpSecret: plant('account', 'totpSecret', canary().toUpperCase()) ?? null,
  });
  await store.replaceRecoveryCodes(
    subject.userId,
    [{ id: 'rc1', codeHash: plant('account', 'recoveryCodes', canary()) ?? '' }],
    new Date().toISOString(),
  );
});
afterAll(async () => {
  await server.stop();
});

async function exportOf(format: ExportFormat, q: string) {
  const created = await api(server, 'POST', '/api/admin/exports', {
    token: root.token,
    body: { format, filter: { q }, reason },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const job = ExportJob.parse(created.json);
  const response = await fetch(`${server.url}/api/admin/exports/download?exportId=${job.id}`, {
    headers: { authorization: `Bearer ${root.token}` },
  });
  expect(response.status).toBe(200);
  return { job, text: await response.text(), headers: response.headers };
}

/** The subject's row of an export, as the NDJSON/JSON row shape (CSV cells are decoded back). */
function subjectRowFrom(format: ExportFormat, text: string): AdminExportRow {
  if (format === 'ndjson') {
    const rows = text
      .trimEnd()
      .split('\n')
      .map((line) => AdminExportRow.parse(JSON.parse(line)));
    return expectOne(rows);
  }
  if (format === 'json') return expectOne(AdminExportDocument.parse(JSON.parse(text)).users);
  const records = parseCsv<Record<string, string>>(text, { bom: true, columns: true });
  const record = records.find((r) => r.id === subject.userId);
  if (record === undefined) throw new Error('the subject is not in the CSV');
  const row: Record<string, Record<string, unknown>> = { account: {}, profile: {}, settings: {} };
  for (const [column, cell] of Object.entries(record)) {
    const [entity, field] = column.split('.');
    if (entity === undefined || field === undefined) continue;
    row[entity] = { ...row[entity], [field]: decodeCell(cell) };
  }
  return AdminExportRow.parse({ id: record.id, ...row });
}

/** CSV cells are text: lists and objects are JSON, booleans are true/false, nothing is empty. */
function decodeCell(cell: string): unknown {
  if (cell === '') return null;
  if (cell === 'true' || cell === 'false') return cell === 'true';
  if (/^[[{]/.test(cell)) {
    try {
      return JSON.parse(cell) as unknown;
    } catch {
      return cell;
    }
  }
  return cell;
}

function expectOne<T extends { id: string }>(rows: readonly T[]): T {
  const matching = rows.filter((row) => row.id === subject.userId);
  expect(matching).toHaveLength(1);
  const [row] = matching;
  if (row === undefined) throw new Error('no row');
  return row;
}

describe('the planted canaries', () => {
  it('are stored where the server keeps each field (so their absence from an export means something)', async () => {
    const { store } = server.server;
    const stored = JSON.stringify([
      (await store.getDocument('profiles', subject.userId))?.data,
      (await store.getDocument('settings', subject.userId))?.data,
      (await store.getDocument('accounts', subject.userId))?.data,
      await store.findUserSecrets(subject.userId),
      await store.listRecoveryCodes(subject.userId),
    ]);
    for (const entity of entityNames) {
      for (const [field, { canary: value }] of Object.entries(planted[entity])) {
        if (value !== undefined) expect(stored, `${entity}.${field}`).toContain(value);
      }
    }
  });
});

describe.each<ExportFormat>(['ndjson', 'csv', 'json'])('an admin export as %s', (format) => {
  it('holds every field as its export class and visibility say, and nothing else', async () => {
    const { text, job, headers } = await exportOf(format, subject.email);
    expect(job.total).toBe(1);
    expect(headers.get('x-export-total')).toBe('1');
    const row = subjectRowFrom(format, text);
    for (const entity of entityNames) {
      const record: Record<string, unknown> = row[entity];
      for (const field of Object.keys(fieldsOf(entity))) {
        const plantedField = planted[entity][field];
        expect(plantedField, `plant a value in ${entity}.${field}`).toBeDefined();
        const where = `${format}: ${entity}.${field}`;
        const value: unknown = record[field];
        switch (expectation(entity, field)) {
          case 'absent':
            expect(record, where).not.toHaveProperty(field);
            if (plantedField?.canary) expect(text, where).not.toContain(plantedField.canary);
            break;
          case 'redact':
            expect(value, where).toBe(REDACTED);
            if (plantedField?.canary) expect(text, where).not.toContain(plantedField.canary);
            break;
          case 'include':
            expect(record, where).toHaveProperty(field);
            if (plantedField?.canary) expect(JSON.stringify(value), where).toContain(plantedField.canary);
            break;
        }
      }
    }
    expect(text).not.toContain('$argon2id');
  });
});

describe('CSV cells', () => {
  const hostile = {
    displayName: '=HYPERLINK("https://evil.example","click me")',
    headline: '+SUM(1,2)',
    pronouns: '@IMPORTXML(A1)',
    bio: 'commas, "double quotes",\nline breaks\r\nand, more "quotes"',
  };

  it('round-trip hostile values through a CSV parser, formulas neutralised', async () => {
    const mallory = await server.createUser('csvmallory');
    await pushOwnPatch({ baseUrl: server.url, token: mallory.token }, 'profiles', () => hostile);
    const { text } = await exportOf('csv', mallory.email);
    const records = parseCsv<Record<string, string>>(text, { bom: true, columns: true });
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.['profile.bio']).toBe(hostile.bio);
    for (const field of ['displayName', 'headline', 'pronouns'] as const) {
      // A leading apostrophe makes a spreadsheet show the text instead of evaluating it.
      expect(record?.[`profile.${field}`]).toBe(`'${hostile[field]}`);
    }
    expect(record?.['account.email']).toBe(mallory.email);
  });

  it('neutralise every formula prefix, tab and carriage return included', () => {
    const cells = ['=1+1', '+1', '-1', '@A1', '\tTAB', '\rCR', '＝1', 'plain, "text"\nnext', 'naïve ✓'];
    const parsed = parseCsv(csvRecords([cells]));
    expect(parsed).toHaveLength(1);
    const [row] = parsed;
    expect(row?.slice(0, 7)).toEqual(cells.slice(0, 7).map((cell) => `'${cell}`));
    expect(row?.slice(7)).toEqual(cells.slice(7));
  });
});
