// Password reset and password change over HTTP: enumeration-safe reset requests, wrong, expired and
// reused codes, every session ending after a reset, and the notice mail each change sends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignInResult } from '#shared/contract/auth';
import { codeIn, latestMail, mailsTo } from '../helpers/outbox.ts';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

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

const requestReset = (email: string) =>
  api(server, 'POST', '/api/auth/password/reset-request', { body: { email } });
const reset = (email: string, code: string, newPassword: string) =>
  api(server, 'POST', '/api/auth/password/reset', { body: { email, code, newPassword } });
const signIn = (email: string, password: string) =>
  api(server, 'POST', '/api/auth/sign-in', { body: { email, password, deviceName: 'Laptop' } });
const me = (token: string) => api(server, 'GET', '/api/auth/me', { token });
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function signedIn(user: TestUser, password = user.password): Promise<string> {
  const result = SignInResult.parse((await signIn(user.email, password)).json);
  if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
  return result.tokens.accessToken;
}

describe('password reset', () => {
  it('answers known and unknown addresses alike, and mails a code only to an account', async () => {
    const user = await server.createUser('uma');
    const known = await requestReset(user.email);
    const unknown = await requestReset('nobody-at-all@example.test');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(known.status);
    expect(unknown.json).toEqual(known.json);
    expect(await mailsTo(server, 'nobody-at-all@example.test')).toEqual([]);
    await latestMail(server, user.email, 'password-reset');
    // Confirming a reset for an unknown address answers like a wrong code.
    const ghost = await reset('nobody-at-all@example.test', '123456', 'a brand new passphrase');
    const wrong = await reset(user.email, '123456', 'a brand new passphrase');
    expect(errorOf(ghost)).toMatchObject({ status: 400, code: 'code_invalid' });
    expect(wrong.status).toBe(ghost.status);
    expect(wrong.json).toEqual(ghost.json);
  });

  it('sets the new password with the code, ends every session, and the code works once', async () => {
    const user = await server.createUser('val');
    const other = await signedIn(user);
    await requestReset(user.email);
    const code = codeIn(await latestMail(server, user.email, 'password-reset'));
    expect(errorOf(await reset(user.email, otherCode(code), 'a brand new passphrase'))).toMatchObject({
      status: 400,
      code: 'code_invalid',
    });
    expect(errorOf(await reset(user.email, code, 'short'))).toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    expect(errorOf(await reset(user.email, code, 'iloveyou'))).toMatchObject({
      status: 400,
      code: 'weak_password',
      field: 'newPassword',
    });
    const done = await reset(user.email, code, 'a brand new passphrase');
    expect(done.status).toBe(200);
    expect(errorOf(await me(user.token))).toMatchObject({ status: 401 });
    expect(errorOf(await me(other))).toMatchObject({ status: 401 });
    expect(errorOf(await signIn(user.email, user.password))).toMatchObject({ status: 401 });
    expect((await signIn(user.email, 'a brand new passphrase')).status).toBe(200);
    expect(errorOf(await reset(user.email, code, 'yet another passphrase'))).toMatchObject({
      status: 400,
      code: 'code_invalid',
    });
    const notice = await latestMail(server, user.email, 'password-changed');
    expect(notice.text).toContain('reset');
    expect(notice.text).not.toContain('a brand new passphrase');
  });

  it('rejects an expired code and lifts a lockout once the password is reset', async () => {
    const user = await server.createUser('wes');
    for (let i = 0; i < 5; i++) await signIn(user.email, `wrong ${i}`);
    expect(errorOf(await signIn(user.email, user.password))).toMatchObject({ status: 423 });

    await requestReset(user.email);
    const stale = codeIn(await latestMail(server, user.email, 'password-reset'));
    offset += 10 * 60_000 + 1_000;
    expect(errorOf(await reset(user.email, stale, 'a brand new passphrase'))).toMatchObject({
      status: 400,
      code: 'code_expired',
    });
    await requestReset(user.email);
    const fresh = codeIn(await latestMail(server, user.email, 'password-reset'));
    expect((await reset(user.email, fresh, 'a brand new passphrase')).status).toBe(200);
    expect((await signIn(user.email, 'a brand new passphrase')).status).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password and a good new one, and can end the other sessions', async () => {
    const user = await server.createUser('xan');
    const laptop = await signedIn(user);
    const phone = await signedIn(user);
    const change = (body: Record<string, unknown>) =>
      api(server, 'POST', '/api/auth/password/change', { token: laptop, body });

    expect(
      errorOf(
        await change({
          currentPassword: 'wrong',
          newPassword: 'a brand new passphrase',
          endOtherSessions: true,
        }),
      ),
    ).toMatchObject({ status: 401, code: 'invalid_credentials', field: 'currentPassword' });
    expect(
      errorOf(
        await change({ currentPassword: user.password, newPassword: user.email, endOtherSessions: true }),
      ),
    ).toMatchObject({ status: 400, code: 'weak_password' });

    const changed = await change({
      currentPassword: user.password,
      newPassword: 'a brand new passphrase',
      endOtherSessions: true,
    });
    expect(changed.status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    expect(errorOf(await me(phone))).toMatchObject({ status: 401 });
    expect(errorOf(await me(user.token))).toMatchObject({ status: 401 });
    expect((await signIn(user.email, 'a brand new passphrase')).status).toBe(200);
    await latestMail(server, user.email, 'password-changed');
  });

  it('keeps the other sessions when asked to', async () => {
    const user = await server.createUser('yin');
    const laptop = await signedIn(user);
    const changed = await api(server, 'POST', '/api/auth/password/change', {
      token: laptop,
      body: {
        currentPassword: user.password,
        newPassword: 'another long passphrase',
        endOtherSessions: false,
      },
    });
    expect(changed.status).toBe(200);
    expect((await me(user.token)).status).toBe(200);
    const events = JSON.stringify(
      (await api(server, 'GET', '/api/account/security-events', { token: laptop })).json,
    );
    expect(events).toContain('password_changed');
  });
});
