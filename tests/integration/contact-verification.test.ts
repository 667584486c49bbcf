// Contact verification end to end against a real server: adding an email address or a phone number
// to the profile (as a device push) sends a single-use code; only the server sets `verified`; wrong,
// expired, used-up and reused codes fail; removing an address cancels its code; an address can be
// verified on one account only. SQLite and PostgreSQL.
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactVerification } from '#shared/contract/contact';
import { isNormalisedPhone, normalisePhone } from '#shared/entities/phone';
import { profileFields } from '#shared/entities/profile';
import { HybridClock } from '#shared/hlc';
import { putEntry, removeEntry } from '#shared/merge/set';
import { createSmsTransport } from '../../sync-server/contact/sms.ts';
import { eventually, openDevice } from '../helpers/device.ts';
import { codeIn, mailsTo } from '../helpers/outbox.ts';
import { pullOwn, pushOwnPatch, pushRow, type OwnerApi } from '../helpers/owner-api.ts';
import { requirePostgres } from '../helpers/postgres.ts';
import {
  api,
  errorOf,
  startTestServer,
  type Dialect,
  type TestServer,
  type TestUser,
} from '../helpers/server.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];
const MINUTE = 60_000;
const EMAIL_CODE = 'contact-email-code';

describe.each(dialects)('contact verification on %s', (dialect) => {
  let server: TestServer;
  let offset = 0;

  beforeEach(async () => {
    offset = 0;
    server = await startTestServer({ dialect, now: () => Date.now() + offset });
  });
  afterEach(async () => {
    await server.stop();
  });

  const owner = (user: TestUser): OwnerApi => ({ baseUrl: server.url, token: user.token });

  async function addEmail(user: TestUser, id: string, address: string, clock?: HybridClock) {
    return pushOwnPatch(
      owner(user),
      'profiles',
      (doc, stamp) => ({
        emails: putEntry(profileFields.emails.schema.parse(doc.emails), {
          id,
          at: stamp(),
          removed: false,
          value: { address, label: 'work', verified: false, primary: false },
        }),
      }),
      clock,
    );
  }

  async function addPhone(user: TestUser, id: string, number: string) {
    return pushOwnPatch(owner(user), 'profiles', (doc, stamp) => ({
      phones: putEntry(profileFields.phones.schema.parse(doc.phones), {
        id,
        at: stamp(),
        removed: false,
        value: { number, label: 'mobile', verified: false },
      }),
    }));
  }

  async function removeEmail(user: TestUser, id: string) {
    return pushOwnPatch(owner(user), 'profiles', (doc, stamp) => ({
      emails: removeEntry(profileFields.emails.schema.parse(doc.emails), id, stamp()),
    }));
  }

  async function entryOf(user: TestUser, field: 'emails' | 'phones', id: string) {
    const doc = await server.server.store.getDocument('profiles', user.userId);
    const entries = profileFields[field].schema.parse(doc?.data[field]);
    return { entry: entries.find((candidate) => candidate.id === id), clock: doc?.data.clocks[field] };
  }

  async function codeMailsTo(address: string) {
    return mailsTo(server, address, EMAIL_CODE);
  }

  /** Waits for the n-th code mail to an address and returns its code. */
  async function nthCode(address: string, n: number): Promise<string> {
    let code = '';
    await eventually(async () => {
      const mail = (await codeMailsTo(address))[n - 1];
      expect(mail).toBeDefined();
      if (mail !== undefined) code = codeIn(mail);
    });
    return code;
  }

  const verify = (user: TestUser, body: Record<string, unknown>) =>
    api(server, 'POST', '/api/contact/verify', { token: user.token, body });
  const resend = (user: TestUser, body: Record<string, unknown>) =>
    api(server, 'POST', '/api/contact/resend', { token: user.token, body });
  async function states(user: TestUser) {
    const response = await api(server, 'GET', '/api/contact/verifications', { token: user.token });
    expect(response.status).toBe(200);
    return (response.json as { verifications: unknown[] }).verifications.map((v) =>
      ContactVerification.parse(v),
    );
  }

  async function smsTo(number: string) {
    const dir = path.join(server.dataDir, 'sms-outbox');
    const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.json')).sort();
    const messages = await Promise.all(
      names.map(
        async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Record<string, string>,
      ),
    );
    return messages.filter((message) => message.to === number);
  }

  it('an email added on a device gets a code; a wrong code fails, the right one verifies with a server stamp, reuse fails', async () => {
    const ann = await server.createUser('ann');
    await addEmail(ann, 'work', 'Ann.Work@example.test');
    const code = await nthCode('ann.work@example.test', 1);
    const wrong = code === '000000' ? '111111' : '000000';

    expect(errorOf(await verify(ann, { kind: 'email', entryId: 'work', code: wrong }))).toMatchObject({
      status: 400,
      code: 'code_invalid',
      field: 'code',
    });
    expect((await entryOf(ann, 'emails', 'work')).entry).toMatchObject({ value: { verified: false } });

    const ok = await verify(ann, { kind: 'email', entryId: 'work', code });
    expect(ok.status).toBe(200);
    expect(ContactVerification.parse(ok.json)).toMatchObject({
      state: 'verified',
      address: 'ann.work@example.test',
    });
    const { entry, clock } = await entryOf(ann, 'emails', 'work');
    expect(entry).toMatchObject({
      removed: false,
      value: { address: 'Ann.Work@example.test', verified: true, primary: false },
    });
    // The element and the field carry fresh server clocks, so every device's merge adopts them.
    expect(entry?.at).toMatch(/-server_[0-9a-f]+$/);
    expect(clock).toMatch(/-server_[0-9a-f]+$/);

    const reused = errorOf(await verify(ann, { kind: 'email', entryId: 'work', code }));
    expect(reused).toMatchObject({ status: 400, code: 'code_invalid' });
    expect(reused.message).toMatch(/already used/);
    expect(await states(ann)).toEqual([expect.objectContaining({ entryId: 'work', state: 'verified' })]);
  });

  it('an address added offline on a real device syncs unverified, and the server verification reaches the device', async () => {
    const ida = await server.createUser('ida');
    const device = await openDevice(server, ida, 'laptop', ['profiles']);
    try {
      device.setOnline(false);
      const local = await device.doc('profiles', ida.userId);
      await device.edit('profiles', {
        emails: putEntry(profileFields.emails.schema.parse(local?.emails), {
          id: 'offline',
          at: device.clock.now(),
          removed: false,
          value: { address: 'ida@example.test', label: 'home', verified: false, primary: false },
        }),
      });
      device.setOnline(true);
      await device.sync();
      const code = await nthCode('ida@example.test', 1);
      expect((await verify(ida, { kind: 'email', entryId: 'offline', code })).status).toBe(200);
      await eventually(async () => {
        const synced = await device.doc('profiles', ida.userId);
        const [entry] = profileFields.emails.schema.parse(synced?.emails);
        expect(entry).toMatchObject({ id: 'offline', value: { verified: true } });
        const master = await server.server.store.getDocument('profiles', ida.userId);
        expect(synced?.emails).toEqual(master?.data.emails);
      });
      expect(device.rejections).toEqual([]);
    } finally {
      await device.close();
    }
  });

  it('a retried push sends no second code, and a device cannot set verified itself', async () => {
    const bob = await server.createUser('bob');
    const master = await pullOwn(owner(bob), 'profiles');
    const clock = new HybridClock('bob_laptop');
    const emails = putEntry(profileFields.emails.schema.parse(master.emails), {
      id: 'home',
      at: clock.now(),
      removed: false,
      value: { address: 'bob.home@example.test', label: 'home', verified: true, primary: true },
    });
    const next = { ...master, emails, clocks: { ...(master.clocks as object), emails: clock.now() } };
    const first = await pushRow(owner(bob), 'profiles', master, next);
    expect(first.body?.rejections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'emails.verified', code: 'forbidden_field' }),
        expect.objectContaining({ field: 'emails.primary', code: 'forbidden_field' }),
      ]),
    );
    await nthCode('bob.home@example.test', 1);
    // The same request again (a device that never saw the answer), then the screen's listing.
    await pushRow(owner(bob), 'profiles', master, next);
    await states(bob);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await codeMailsTo('bob.home@example.test')).toHaveLength(1);
    expect((await entryOf(bob, 'emails', 'home')).entry).toMatchObject({
      value: { verified: false, primary: false },
    });
  });

  it('removing an address cancels its code; an expired code fails and a resent one works', async () => {
    const cat = await server.createUser('cat');
    await addEmail(cat, 'old', 'cat@example.test');
    const first = await nthCode('cat@example.test', 1);
    await removeEmail(cat, 'old');
    await eventually(async () => {
      expect(await server.server.store.contacts.list(cat.userId)).toEqual([]);
    });
    expect(await states(cat)).toEqual([]);
    await addEmail(cat, 'again', 'cat@example.test');
    const second = await nthCode('cat@example.test', 2);
    if (second !== first) {
      expect(errorOf(await verify(cat, { kind: 'email', entryId: 'again', code: first }))).toMatchObject({
        status: 400,
        code: 'code_invalid',
      });
    }

    offset += 11 * MINUTE;
    expect(errorOf(await verify(cat, { kind: 'email', entryId: 'again', code: second }))).toMatchObject({
      status: 400,
      code: 'code_expired',
    });
    expect(await states(cat)).toEqual([expect.objectContaining({ entryId: 'again', state: 'code_expired' })]);
    const resent = await resend(cat, { kind: 'email', entryId: 'again' });
    expect(resent.status).toBe(202);
    expect(ContactVerification.parse(resent.json)).toMatchObject({ state: 'code_sent', attemptsLeft: 5 });
    const third = await nthCode('cat@example.test', 3);
    expect((await verify(cat, { kind: 'email', entryId: 'again', code: third })).status).toBe(200);
  });

  it('five wrong guesses use a code up; resends are spaced and capped', async () => {
    const dan = await server.createUser('dan');
    await addEmail(dan, 'work', 'dan@example.test');
    const code = await nthCode('dan@example.test', 1);
    const wrong = code === '123456' ? '654321' : '123456';
    for (let guess = 0; guess < 5; guess += 1) {
      expect((await verify(dan, { kind: 'email', entryId: 'work', code: wrong })).status).toBe(400);
    }
    const usedUp = errorOf(await verify(dan, { kind: 'email', entryId: 'work', code }));
    expect(usedUp).toMatchObject({ status: 400, code: 'code_invalid' });
    expect(usedUp.message).toMatch(/Too many wrong codes/);
    expect(await states(dan)).toEqual([expect.objectContaining({ state: 'code_used_up', attemptsLeft: 0 })]);

    const tooSoon = await resend(dan, { kind: 'email', entryId: 'work' });
    expect(errorOf(tooSoon)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let sent = 2; sent <= 5; sent += 1) {
      offset += MINUTE + 1000;
      expect((await resend(dan, { kind: 'email', entryId: 'work' })).status).toBe(202);
    }
    offset += MINUTE + 1000;
    expect(errorOf(await resend(dan, { kind: 'email', entryId: 'work' }))).toMatchObject({ status: 429 });
    expect(await codeMailsTo('dan@example.test')).toHaveLength(5);
  });

  it('one address is verified on one account only', async () => {
    const eve = await server.createUser('eve');
    const fay = await server.createUser('fay');
    await addEmail(eve, 'shared', 'shared@example.test');
    const eveCode = await nthCode('shared@example.test', 1);
    expect((await verify(eve, { kind: 'email', entryId: 'shared', code: eveCode })).status).toBe(200);

    await addEmail(fay, 'mine', 'SHARED@example.test');
    const fayCode = await nthCode('shared@example.test', 2);
    expect(errorOf(await verify(fay, { kind: 'email', entryId: 'mine', code: fayCode }))).toMatchObject({
      status: 409,
      code: 'conflict',
    });
    expect((await entryOf(fay, 'emails', 'mine')).entry).toMatchObject({ value: { verified: false } });
    expect(await states(fay)).toEqual([
      expect.objectContaining({ entryId: 'mine', state: 'in_use_elsewhere' }),
    ]);

    // Another account's sign-in address is taken too.
    await addEmail(fay, 'eves', eve.email);
    const signInCode = await nthCode(eve.email, 1);
    expect(errorOf(await verify(fay, { kind: 'email', entryId: 'eves', code: signInCode }))).toMatchObject({
      status: 409,
    });

    // Once Eve removes it, the address is free for Fay.
    await removeEmail(eve, 'shared');
    await eventually(async () => {
      expect(await server.server.store.contacts.list(eve.userId)).toEqual([]);
    });
    offset += MINUTE + 1000;
    expect((await resend(fay, { kind: 'email', entryId: 'mine' })).status).toBe(202);
    const freeCode = await nthCode('shared@example.test', 3);
    expect((await verify(fay, { kind: 'email', entryId: 'mine', code: freeCode })).status).toBe(200);
  });

  it('changing a verified address makes it unverified and sends a code to the new one; the sign-in address needs none', async () => {
    const gus = await server.createUser('gus');
    await addEmail(gus, 'work', 'gus@example.test');
    const code = await nthCode('gus@example.test', 1);
    expect((await verify(gus, { kind: 'email', entryId: 'work', code })).status).toBe(200);

    await addEmail(gus, 'work', 'gus.new@example.test');
    await nthCode('gus.new@example.test', 1);
    await eventually(async () => {
      expect((await entryOf(gus, 'emails', 'work')).entry).toMatchObject({
        value: { address: 'gus.new@example.test', verified: false },
      });
    });

    await addEmail(gus, 'login', gus.email);
    await eventually(async () => {
      expect((await entryOf(gus, 'emails', 'login')).entry).toMatchObject({
        value: { verified: true, primary: true },
      });
    });
    expect(await codeMailsTo(gus.email)).toEqual([]);
  });

  it('a phone number is normalised to E.164, gets a code by SMS, and verifies; an invalid number gets none', async () => {
    const hal = await server.createUser('hal');
    await addPhone(hal, 'mobile', '+49030123456');
    let sms: Record<string, string> | undefined;
    await eventually(async () => {
      [sms] = await smsTo('+4930123456');
      expect(sms).toMatchObject({ kind: 'contact-phone-code' });
    });
    expect((await entryOf(hal, 'phones', 'mobile')).entry).toMatchObject({
      value: { number: '+4930123456', verified: false },
    });
    const code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] ?? '';
    expect(errorOf(await resend(hal, { kind: 'phone', entryId: 'mobile' }))).toMatchObject({ status: 429 });
    expect((await verify(hal, { kind: 'phone', entryId: 'mobile', code })).status).toBe(200);
    expect((await entryOf(hal, 'phones', 'mobile')).entry).toMatchObject({ value: { verified: true } });

    await addPhone(hal, 'fake', '+10000000');
    await eventually(async () => {
      expect(await states(hal)).toContainEqual(
        expect.objectContaining({ entryId: 'fake', state: 'invalid_number' }),
      );
    });
    expect(errorOf(await resend(hal, { kind: 'phone', entryId: 'fake' }))).toMatchObject({ status: 400 });
    expect(await smsTo('+10000000')).toEqual([]);
    expect(errorOf(await verify(hal, { kind: 'phone', entryId: 'nope', code: '123456' }))).toMatchObject({
      status: 404,
    });
  });

  it('one phone number is verified on one account only, however it is written', async () => {
    const ian = await server.createUser('ian');
    const joy = await server.createUser('joy');
    await addPhone(ian, 'mobile', '+4930123456');
    let ianCode = '';
    await eventually(async () => {
      const [sms] = await smsTo('+4930123456');
      ianCode = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] ?? '';
      expect(ianCode).not.toBe('');
    });
    expect((await verify(ian, { kind: 'phone', entryId: 'mobile', code: ianCode })).status).toBe(200);

    // The same number with the trunk zero kept: normalised, it is the one Ian verified.
    await addPhone(joy, 'desk', '+49030123456');
    let joyCode = '';
    await eventually(async () => {
      const messages = await smsTo('+4930123456');
      expect(messages).toHaveLength(2);
      joyCode = /\b(\d{6})\b/.exec(messages[1]?.text ?? '')?.[1] ?? '';
    });
    expect(errorOf(await verify(joy, { kind: 'phone', entryId: 'desk', code: joyCode }))).toMatchObject({
      status: 409,
      code: 'conflict',
    });
    expect((await entryOf(joy, 'phones', 'desk')).entry).toMatchObject({
      value: { number: '+4930123456', verified: false },
    });
    expect(await states(joy)).toEqual([
      expect.objectContaining({ entryId: 'desk', state: 'in_use_elsewhere' }),
    ]);
    expect((await entryOf(ian, 'phones', 'mobile')).entry).toMatchObject({ value: { verified: true } });
  });
});

describe('the shared phone helper the app uses for input', () => {
  it('normalises what people type to E.164 and refuses what is not a number', () => {
    expect(normalisePhone('+1 (415) 555-0123')).toMatchObject({ ok: true, e164: '+14155550123' });
    expect(normalisePhone('030 123456', 'de')).toMatchObject({
      ok: true,
      e164: '+4930123456',
      international: '+49 30 123456',
      country: 'DE',
    });
    expect(normalisePhone('+49 030 123456')).toMatchObject({ ok: true, e164: '+4930123456' });
    expect(normalisePhone('030 123456', 'XX')).toMatchObject({ ok: false });
    expect(normalisePhone('+10000000')).toMatchObject({
      ok: false,
      message: 'this is not a valid phone number',
    });
    expect(normalisePhone('   ')).toMatchObject({ ok: false });
    expect(normalisePhone('1'.repeat(41))).toMatchObject({ ok: false });
    expect(isNormalisedPhone('+4930123456')).toBe(true);
    expect(isNormalisedPhone('+49030123456')).toBe(false);
  });
});

describe('the SMS transports', () => {
  it('posts {to, text} with the bearer token to an HTTP gateway, and fails on an error answer', async () => {
    const received: { auth: string | undefined; body: string }[] = [];
    let status = 202;
    const gateway = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ auth: request.headers.authorization, body: Buffer.concat(chunks).toString() });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const port = (gateway.address() as AddressInfo).port;
      const sms = createSmsTransport(
        { provider: 'http', httpUrl: `http://127.0.0.1:${port}/send`, httpToken: 'gateway-token' },
        '/nonexistent',
        Date.now,
      );
      await sms.send({ to: '+4930123456', text: 'Accord code: 123456', kind: 'contact-phone-code' });
      expect(received).toEqual([
        {
          auth: 'Bearer gateway-token',
          body: JSON.stringify({ to: '+4930123456', text: 'Accord code: 123456' }),
        },
      ]);
      status = 500;
      await expect(sms.send({ to: '+4930123456', text: 'x', kind: 'contact-phone-code' })).rejects.toThrow(
        /500/,
      );
      expect(() =>
        createSmsTransport({ provider: 'http', httpUrl: undefined, httpToken: undefined }, '/x', Date.now),
      ).toThrow(/SMS_HTTP_URL/);
    } finally {
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => {
        gateway.close(() => {
          resolve();
        });
      });
    }
  });
});
