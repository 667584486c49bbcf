// Registration and email verification over HTTP: password rules, enumeration-safe answers, codes
// that are wrong, expired, reused or resent, and the mail each step sends.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accepted, Me, SecurityEvent, SessionTokens } from '#shared/contract/auth';
import { codeIn, latestMail, mailsTo } from '../helpers/outbox.ts';
import { api, errorOf, startTestServer, type TestServer } from '../helpers/server.ts';

let offset = 0;
const now = () => Date.now() + offset;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ now });
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  offset = 0;
});

const password = 'correct horse battery staple';
const newEmail = () => `new-${randomBytes(4).toString('hex')}@example.test`;
const register = (email: string, pw = password, displayName?: string) =>
  api(server, 'POST', '/api/auth/register', {
    body: { email, password: pw, ...(displayName ? { displayName } : {}) },
  });
const verify = (email: string, code: string) =>
  api(server, 'POST', '/api/auth/verify-email', { body: { email, code, deviceName: 'Laptop' } });
const signIn = (email: string, pw = password) =>
  api(server, 'POST', '/api/auth/sign-in', { body: { email, password: pw, deviceName: 'Laptop' } });
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('registration', () => {
  it('mails a code that confirms the address once and signs the device in', async () => {
    const email = newEmail();
    const registered = await register(email, password, 'Nia');
    expect(registered.status).toBe(202);
    Accepted.parse(registered.json);
    // Not usable before the address is confirmed, even with the right password.
    expect(errorOf(await signIn(email))).toMatchObject({ status: 403, code: 'email_not_verified' });

    const mail = await latestMail(server, email, 'verify-email');
    expect(mail.text).not.toContain(password);
    const code = codeIn(mail);
    expect(errorOf(await verify(email, otherCode(code)))).toMatchObject({
      status: 400,
      code: 'code_invalid',
    });

    const verified = await verify(email, code);
    expect(verified.status).toBe(200);
    const tokens = SessionTokens.parse(verified.json);
    const me = Me.parse((await api(server, 'GET', '/api/auth/me', { token: tokens.accessToken })).json);
    expect(me).toMatchObject({ email, emailVerified: true, status: 'active', twoFactorEnabled: false });
    // Used codes stay used.
    expect(errorOf(await verify(email, code))).toMatchObject({ status: 400, code: 'code_invalid' });
    expect((await signIn(email)).status).toBe(200);

    const events = await api(server, 'GET', '/api/account/security-events', { token: tokens.accessToken });
    const types = SecurityEvent.array()
      .parse((events.json as { events: unknown }).events)
      .map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['registered', 'email_verified', 'sign_in_succeeded']));
  });

  it('answers a registered address exactly like a new one, and notifies its owner instead', async () => {
    const owner = await server.createUser('owner');
    const fresh = await register(newEmail());
    const taken = await register(owner.email.toUpperCase());
    expect(taken.status).toBe(fresh.status);
    expect(taken.json).toEqual(fresh.json);
    expect(await mailsTo(server, owner.email, 'verify-email')).toEqual([]);
    const notice = await latestMail(server, owner.email, 'already-registered');
    expect(notice.text).toContain('already has one');
    // The account is untouched: the original password still works.
    expect((await signIn(owner.email, owner.password)).status).toBe(200);
  });

  it('applies the NIST rules: length, blocklist, not the email, no composition rules', async () => {
    expect(errorOf(await register(newEmail(), 'short'))).toMatchObject({
      status: 400,
      code: 'validation_failed',
      field: 'password',
    });
    for (const common of ['iloveyou', 'BaseBall', 'qwertyuiop']) {
      expect(errorOf(await register(newEmail(), common))).toMatchObject({
        status: 400,
        code: 'weak_password',
        field: 'password',
      });
    }
    const email = newEmail();
    expect(errorOf(await register(email, email))).toMatchObject({ code: 'weak_password' });
    expect(errorOf(await register(email, email.split('@')[0] ?? ''))).toMatchObject({
      code: 'weak_password',
    });
    // Only lower-case letters, no digits or symbols: long enough is good enough.
    expect((await register(newEmail(), 'plainlowercasewords')).status).toBe(202);
    expect((await register(newEmail(), 'x'.repeat(64))).status).toBe(202);
    expect((await register(newEmail(), 'é'.repeat(128))).status).toBe(202);
    expect(errorOf(await register(newEmail(), 'y'.repeat(129)))).toMatchObject({ code: 'validation_failed' });
  });

  it('expires codes after ten minutes, voids them after five wrong guesses, and spaces resends', async () => {
    const email = newEmail();
    await register(email);
    const first = codeIn(await latestMail(server, email, 'verify-email'));
    const resend = () => api(server, 'POST', '/api/auth/verify-email/resend', { body: { email } });

    // A resend within a minute answers the same but sends nothing.
    expect((await resend()).status).toBe(202);
    expect(await mailsTo(server, email, 'verify-email')).toHaveLength(1);
    offset += 61_000;
    expect((await resend()).status).toBe(202);
    expect(await mailsTo(server, email, 'verify-email')).toHaveLength(2);
    const second = codeIn(await latestMail(server, email, 'verify-email'));
    if (second !== first) {
      expect(errorOf(await verify(email, first))).toMatchObject({ code: 'code_invalid' });
    }

    offset += 10 * 60_000 + 1_000;
    expect(errorOf(await verify(email, second))).toMatchObject({ status: 400, code: 'code_expired' });

    offset += 61_000;
    await resend();
    const third = codeIn(await latestMail(server, email, 'verify-email'));
    for (let i = 0; i < 5; i++) await verify(email, otherCode(third));
    expect(errorOf(await verify(email, third))).toMatchObject({ status: 400, code: 'code_invalid' });
  });

  it('answers a resend for an unknown address like any other, and sends nothing', async () => {
    const email = newEmail();
    const response = await api(server, 'POST', '/api/auth/verify-email/resend', { body: { email } });
    expect(response.status).toBe(202);
    expect(await mailsTo(server, email)).toEqual([]);
    expect(errorOf(await verify(email, '123456'))).toMatchObject({ status: 400, code: 'code_invalid' });
  });

  it('binds each code to the password of the registration that sent it', async () => {
    // A second registration too soon after the first sends no code, so it changes nothing.
    const early = newEmail();
    await register(early, 'first registrant password');
    // Registration finishes in the background; let the first one send its code before the second
    // arrives (two racing in the background may finish in either order: whichever issues the
    // code also sets the password that goes with it).
    expect(await mailsTo(server, early, 'verify-email')).toHaveLength(1);
    await register(early, 'second registrant password');
    expect(await mailsTo(server, early, 'verify-email')).toHaveLength(1);
    expect((await verify(early, codeIn(await latestMail(server, early, 'verify-email')))).status).toBe(200);
    expect((await signIn(early, 'first registrant password')).status).toBe(200);
    expect(errorOf(await signIn(early, 'second registrant password'))).toMatchObject({ status: 401 });

    // A later one replaces both: the old code stops working, the new one comes with the new password.
    const late = newEmail();
    await register(late, 'first registrant password');
    const firstCode = codeIn(await latestMail(server, late, 'verify-email'));
    offset += 61_000;
    await register(late, 'second registrant password');
    const secondCode = codeIn(await latestMail(server, late, 'verify-email'));
    if (secondCode !== firstCode) {
      expect(errorOf(await verify(late, firstCode))).toMatchObject({ code: 'code_invalid' });
    }
    expect((await verify(late, secondCode)).status).toBe(200);
    expect(errorOf(await signIn(late, 'first registrant password'))).toMatchObject({ status: 401 });
    expect((await signIn(late, 'second registrant password')).status).toBe(200);
  });
});

describe('throttling of mail requests per client address', () => {
  it('answers 429 with Retry-After once an address asked for too much mail', async () => {
    const strict = await startTestServer({ accountLimits: { ipMailRequestsPerWindow: 3 } });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await api(strict, 'POST', '/api/auth/password/reset-request', { body: { email: newEmail() } }))
            .status,
        ).toBe(202);
      }
      const limited = await api(strict, 'POST', '/api/auth/register', {
        body: { email: newEmail(), password },
      });
      expect(errorOf(limited)).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await strict.stop();
    }
  });
});

describe('logging', () => {
  it('never writes passwords, codes, tokens or addresses during the account flows', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logged = await startTestServer({ logStream });
    const email = newEmail();
    const secret = 'canary passphrase 7f3a9c';
    const secrets: string[] = [email, secret];
    try {
      await api(logged, 'POST', '/api/auth/register', { body: { email, password: secret } });
      const code = codeIn(await latestMail(logged, email, 'verify-email'));
      const tokens = SessionTokens.parse(
        (await api(logged, 'POST', '/api/auth/verify-email', { body: { email, code, deviceName: 'Laptop' } }))
          .json,
      );
      const refreshed = SessionTokens.parse(
        (await api(logged, 'POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } }))
          .json,
      );
      await api(logged, 'POST', '/api/auth/sign-in', {
        body: { email, password: `${secret}!`, deviceName: 'x' },
      });
      await api(logged, 'POST', '/api/auth/password/reset-request', { body: { email } });
      const resetCode = codeIn(await latestMail(logged, email, 'password-reset'));
      await api(logged, 'POST', '/api/auth/password/reset', {
        body: { email, code: resetCode, newPassword: `${secret} two` },
      });
      const created = await api(logged, 'POST', '/api/tokens', {
        token: refreshed.accessToken,
        body: { name: 'n', scopes: ['profile:read'] },
      });
      secrets.push(code, resetCode, tokens.accessToken, tokens.refreshToken, refreshed.accessToken);
      secrets.push(refreshed.refreshToken, JSON.stringify(created.json));
    } finally {
      await logged.stop();
    }
    const log = lines.join('');
    expect(log).toContain('"path":"/api/auth/register"');
    for (const value of secrets) expect(log).not.toContain(value);
  });
});
