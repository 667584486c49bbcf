// Importing users from another system: NDJSON checked line by line with the shared schemas; a dry
// run writes nothing; every rejected line is reported with its number and reason and writes
// nothing; argon2, bcrypt and scrypt hashes sign in and are upgraded to argon2id on the way.
import { randomBytes, scryptSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAuditEvent } from '#shared/contract/admin';
import { SignInResult } from '#shared/contract/auth';
import { documentSchemas } from '#shared/policy/table';
import { importUsers, type ImportRejection } from '../../sync-server/import/import-users.ts';
import { newAccountRecord } from '../../sync-server/import/new-account.ts';
import { importedHashProblem, verifyImportedHash } from '../../sync-server/import/password-hashes.ts';
import { api, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let server: TestServer;
let root: TestUser;
let existing: TestUser;

const passwords = {
  bcrypt: 'bcrypt imported passphrase',
  scrypt: 'scrypt imported passphrase',
  argon2: 'argon2 imported passphrase',
};

function scryptPhc(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** 10, r: 8, p: 1 });
  const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(key)}`;
}

let file = '';
const domain = `import${randomBytes(3).toString('hex')}.example`;
const at = (name: string) => `${name}@${domain}`;

beforeAll(async () => {
  server = await startTestServer();
  root = await server.createUser('root', 'admin');
  existing = await server.createUser('existing');
  const lines = [
    /* 1 */ { email: at('plain') },
    /* 2 */ {
      email: at('bcrypt'),
      passwordHash: bcryptHashSync(passwords.bcrypt, 4),
      createdAt: '2019-03-04T05:06:07.000Z',
      profile: {
        displayName: 'Bea Crypt',
        pronouns: 'she/her',
        emails: [{ address: at('bea.work'), label: 'work' }],
        links: [{ label: 'site', url: 'https://bea.example' }],
      },
      settings: { theme: 'dark', language: 'de' },
    },
    /* 3 */ { email: at('scrypt'), passwordHash: scryptPhc(passwords.scrypt) },
    /* 4 */ {
      email: at('argon'),
      // argon2id with another system's cost: accepted as it is, rehashed with ours at sign-in.
      passwordHash: await argon2Hash(passwords.argon2, {
        memoryCost: 2048,
        timeCost: 2,
        parallelism: 1,
      }),
      role: 'admin',
    },
    /* 5 */ '{not json',
    /* 6 */ { email: 'not-an-email' },
    /* 7 */ { email: at('PLAIN') },
    /* 8 */ { email: at('unknown-field'), profile: { favouriteColour: 'red' } },
    /* 9 */ { email: at('badge'), profile: { badge: 'staff' } },
    /* 10 */ { email: at('md5'), passwordHash: '$1$abc$0123456789abcdef' },
    /* 11 */ { email: at('bcrypt-cost'), passwordHash: `$2b$31$${'a'.repeat(53)}` },
    /* 12 */ { email: at('bad-set'), profile: { emails: [{ address: 'nope', label: 'home' }] } },
    /* 13 */ { email: at('bad-setting'), settings: { theme: 'neon' } },
    /* 14 */ { email: existing.email },
    /* 15 */ '',
    /* 16 */ { email: at('extra'), isAdmin: true },
    /* 17 */ { email: at('contacts'), profile: { contacts: ['someone-else'] } },
    /* 18 */ {
      email: at('hacker'),
      passwordHash: '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
    },
  ];
  file = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\r\n');
});
afterAll(async () => {
  await server.stop();
});

const expectedRejections: [number, RegExp][] = [
  [5, /^not JSON/],
  [6, /^email: /],
  [7, /^email: the same address is on line 1/],
  [8, /^profile\.favouriteColour: no such field/],
  [9, /^profile\.badge: cannot be imported/],
  [10, /^passwordHash: unsupported password hash format/],
  [11, /^passwordHash: bcrypt cost out of range/],
  [12, /^profile\.emails\[0\]\.address: /],
  [13, /^settings\.theme: /],
  [14, /^email: an account with this address exists already/],
  [16, /isAdmin/],
  [17, /^profile\.contacts: cannot be imported/],
  [18, /^passwordHash: scrypt parameters out of range/],
];

async function run(dryRun: boolean) {
  const rejections: ImportRejection[] = [];
  const summary = await importUsers(server.server.accounts, Readable.from([Buffer.from(file)]), {
    dryRun,
    reason: 'migration from the old system',
    source: 'users.ndjson',
    onRejected: (rejection) => rejections.push(rejection),
  });
  return { summary, rejections };
}

const importedEmails = ['plain', 'bcrypt', 'scrypt', 'argon'].map(at);

describe('an import dry run', () => {
  it('reports every rejected line with its number and reason, and writes nothing', async () => {
    const users = await server.server.store.admin.countUsers({});
    const { summary, rejections } = await run(true);
    expect(summary).toMatchObject({ dryRun: true, rows: 17, accepted: 4, rejected: 13 });
    expect(rejections.map((r) => r.line)).toEqual(expectedRejections.map(([line]) => line));
    for (const [index, [, reason]] of expectedRejections.entries()) {
      expect(rejections[index]?.reason, `line ${rejections[index]?.line}`).toMatch(reason);
    }
    expect(rejections.find((r) => r.line === 6)?.email).toBe('not-an-email');
    expect(await server.server.store.admin.countUsers({})).toBe(users);
    for (const email of importedEmails)
      expect(await server.server.store.findUserByEmail(email)).toBeUndefined();
  });
});

describe('an import', () => {
  it('creates exactly the accepted accounts, with their documents, and audits the batch', async () => {
    const users = await server.server.store.admin.countUsers({});
    const { summary, rejections } = await run(false);
    expect(summary).toMatchObject({ dryRun: false, rows: 17, accepted: 4, rejected: 13 });
    expect(rejections.map((r) => r.line)).toEqual(expectedRejections.map(([line]) => line));
    expect(await server.server.store.admin.countUsers({})).toBe(users + 4);

    const bea = await server.server.store.findUserByEmail(at('bcrypt'));
    if (bea === undefined) throw new Error('not imported');
    expect(bea).toMatchObject({
      role: 'user',
      status: 'active',
      emailVerified: true,
      createdAt: '2019-03-04T05:06:07.000Z',
    });
    const profile = documentSchemas.profile.parse(
      (await server.server.store.getDocument('profiles', bea.id))?.data,
    );
    expect(profile).toMatchObject({ displayName: 'Bea Crypt', pronouns: 'she/her' });
    expect(profile.emails.map((e) => (e.removed ? undefined : e.value))).toEqual([
      { address: at('bea.work'), label: 'work', verified: false, primary: false },
    ]);
    expect(
      documentSchemas.settings.parse((await server.server.store.getDocument('settings', bea.id))?.data),
    ).toMatchObject({
      theme: 'dark',
      language: 'de',
    });
    expect((await server.server.store.findUserByEmail(at('argon')))?.role).toBe('admin');
    for (const email of ['unknown-field', 'badge', 'bad-set', 'extra'].map(at)) {
      expect(await server.server.store.findUserByEmail(email)).toBeUndefined();
    }

    const audit = await api(server, 'GET', '/api/admin/audit?limit=5', { token: root.token });
    const events = AdminAuditEvent.array().parse((audit.json as { events: unknown }).events);
    expect(events.find((e) => e.action === 'import_users' && e.detail.dryRun === false)).toMatchObject({
      actorId: null,
      reason: 'migration from the old system',
      detail: { via: 'cli', source: 'users.ndjson', rows: 17, accepted: 4, rejected: 13 },
    });
  });

  it('lets imported passwords sign in, and upgrades their hashes to argon2id', async () => {
    const { argon2 } = server.server.accounts.config;
    for (const [kind, email] of [
      ['bcrypt', at('bcrypt')],
      ['scrypt', at('scrypt')],
      ['argon2', at('argon')],
    ] as const) {
      const user = await server.server.store.findUserByEmail(email);
      if (user === undefined) throw new Error(`${email} not imported`);
      const signIn = () =>
        api(server, 'POST', '/api/auth/sign-in', {
          body: { email, password: passwords[kind], deviceName: 'Laptop' },
        });
      const wrong = await api(server, 'POST', '/api/auth/sign-in', {
        body: { email, password: 'wrong password', deviceName: 'Laptop' },
      });
      expect(wrong.status, kind).toBe(401);
      const first = await signIn();
      expect(SignInResult.parse(first.json).kind, kind).toBe('signed-in');
      const upgraded = (await server.server.store.findUserSecrets(user.id))?.passwordHash ?? '';
      expect(upgraded, kind).toMatch(
        new RegExp(
          `^\\$argon2id\\$v=19\\$m=${argon2.memoryKib},t=${argon2.timeCost},p=${argon2.parallelism}\\$`,
        ),
      );
      expect(SignInResult.parse((await signIn()).json).kind, kind).toBe('signed-in');
    }
  });

  it('gives an account imported without a password no way in but a reset', async () => {
    const signIn = await api(server, 'POST', '/api/auth/sign-in', {
      body: { email: at('plain'), password: '!imported-without-password', deviceName: 'Laptop' },
    });
    expect(signIn.status).toBe(401);
  });

  it('writes a batch of accounts all or nothing', async () => {
    const { store, clock } = server.server;
    const make = (email: string) =>
      newAccountRecord(
        clock,
        { email, passwordHash: '!', role: 'user', emailVerified: true, createdAt: new Date().toISOString() },
        () => [],
      );
    const fresh = make(at('fresh'));
    await expect(store.admin.createAccounts([fresh, make(existing.email)])).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await store.findUser(fresh.user.id)).toBeUndefined();
    expect(await store.getDocument('profiles', fresh.user.id)).toBeUndefined();
  });
});

describe('imported password hashes', () => {
  it('are checked for format and bounded cost before anything is written', () => {
    expect(importedHashProblem(bcryptHashSync('x', 4))).toBeUndefined();
    expect(importedHashProblem(scryptPhc('x'))).toBeUndefined();
    expect(importedHashProblem('$2b$04$short')).toMatch(/bcrypt/);
    expect(
      importedHashProblem('$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'),
    ).toMatch(/out of range/);
    expect(importedHashProblem('$scrypt$ln=20,r=32,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA')).toMatch(/256 MiB/);
    expect(importedHashProblem('plaintext')).toMatch(/unsupported/);
  });

  it('verify the password as typed and in its normal form, never a wrong one', async () => {
    // The same word typed with a decomposed accent: the old system hashed what was typed.
    const typed = 'cafe\u0301 au lait passphrase';
    const stored = scryptPhc(typed);
    expect(await verifyImportedHash(stored, typed)).toBe(true);
    expect(await verifyImportedHash(stored, typed.normalize('NFKC'))).toBe(false);
    expect(await verifyImportedHash(scryptPhc(typed.normalize('NFKC')), typed)).toBe(true);
    expect(await verifyImportedHash(bcryptHashSync('right', 4), 'wrong')).toBe(false);
    expect(await verifyImportedHash(`$2b$31$${'a'.repeat(53)}`, 'x')).toBe(false);
  });
});
