// Email change over HTTP: re-authentication, a code to the new address, a notice with a revert link to
// the old one, the pending address syncing to the owner's device, confirmation, and the revert link.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Me, SignInResult } from '#shared/contract/auth';
import { eventually, openDevice, type Device } from '../helpers/device.ts';
import { codeIn, latestMail, mailsTo, tokenIn } from '../helpers/outbox.ts';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let offset = 0;
const now = () => Date.now() + offset;
let server: TestServer;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startTestServer({ now });
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  offset = 0;
  for (const device of devices.splice(0)) await device.close();
});

const fresh = () => `moved-${randomBytes(4).toString('hex')}@example.test`;
const requestChange = (user: TestUser, newEmail: string, password = user.password) =>
  api(server, 'POST', '/api/account/email/change', { token: user.token, body: { newEmail, password } });
const confirm = (user: TestUser, code: string) =>
  api(server, 'POST', '/api/account/email/confirm', { token: user.token, body: { code } });
const revert = (token: string) => api(server, 'POST', '/api/account/email/revert', { body: { token } });
const signIn = (email: string, password: string) =>
  api(server, 'POST', '/api/auth/sign-in', { body: { email, password, deviceName: 'Laptop' } });

async function accessToken(email: string, password: string): Promise<string> {
  const result = SignInResult.parse((await signIn(email, password)).json);
  if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
  return result.tokens.accessToken;
}

describe('changing the sign-in email', () => {
  it('keeps the old address until the new one is confirmed, and devices see the pending one', async () => {
    const user = await server.createUser('zed');
    const device = await openDevice(server, user, 'laptop', ['accounts']);
    devices.push(device);
    const newEmail = fresh();

    expect(errorOf(await requestChange(user, newEmail, 'wrong password'))).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    const requested = await requestChange(user, newEmail);
    expect(requested.status).toBe(202);
    await eventually(async () => {
      expect(await device.doc('accounts', user.userId)).toMatchObject({
        email: user.email,
        pendingEmail: newEmail,
      });
    });
    // The old address still signs in; the new one does not yet.
    expect((await signIn(user.email, user.password)).status).toBe(200);
    expect(errorOf(await signIn(newEmail, user.password))).toMatchObject({ status: 401 });

    const notice = await latestMail(server, user.email, 'email-change-requested');
    expect(notice.text).toContain(newEmail);
    expect(tokenIn(notice)).toMatch(/^rev_/);
    const code = codeIn(await latestMail(server, newEmail, 'email-change-code'));
    // The code went to the new address only.
    expect(await mailsTo(server, user.email, 'email-change-code')).toEqual([]);

    const confirmed = await confirm(user, code);
    expect(confirmed.status).toBe(200);
    expect(Me.parse(confirmed.json)).toMatchObject({
      email: newEmail,
      pendingEmail: null,
      emailVerified: true,
    });
    await eventually(async () => {
      expect(await device.doc('accounts', user.userId)).toMatchObject({
        email: newEmail,
        pendingEmail: null,
      });
    });
    expect((await signIn(newEmail, user.password)).status).toBe(200);
    expect(errorOf(await signIn(user.email, user.password))).toMatchObject({ status: 401 });
    expect(errorOf(await confirm(user, code))).toMatchObject({ status: 400, code: 'code_invalid' });
    await latestMail(server, user.email, 'email-changed');
  });

  it('needs a recent authentication and a free, different address', async () => {
    const user = await server.createUser('abe');
    const other = await server.createUser('bo');
    expect(errorOf(await requestChange(user, other.email))).toMatchObject({ status: 409, code: 'conflict' });
    expect(errorOf(await requestChange(user, user.email))).toMatchObject({ status: 400, field: 'newEmail' });
    offset += 11 * 60_000;
    expect(errorOf(await requestChange(user, fresh()))).toMatchObject({
      status: 401,
      code: 'reauthentication_required',
    });
  });

  it('rejects a wrong or expired code', async () => {
    const user = await server.createUser('cal');
    const newEmail = fresh();
    await requestChange(user, newEmail);
    const code = codeIn(await latestMail(server, newEmail, 'email-change-code'));
    const wrong = code === '000000' ? '000001' : '000000';
    expect(errorOf(await confirm(user, wrong))).toMatchObject({ status: 400, code: 'code_invalid' });
    offset += 10 * 60_000 + 1_000;
    expect(errorOf(await confirm(user, code))).toMatchObject({ status: 400, code: 'code_expired' });
  });
});

describe('the revert link to the old address', () => {
  it('after a confirmed change: puts the old address back and signs every device out, once', async () => {
    const user = await server.createUser('dot');
    const newEmail = fresh();
    await requestChange(user, newEmail);
    await confirm(user, codeIn(await latestMail(server, newEmail, 'email-change-code')));
    const token = tokenIn(await latestMail(server, user.email, 'email-changed'));

    const reverted = await revert(token);
    expect(reverted.status).toBe(200);
    expect(errorOf(await api(server, 'GET', '/api/auth/me', { token: user.token }))).toMatchObject({
      status: 401,
    });
    expect((await signIn(user.email, user.password)).status).toBe(200);
    expect(errorOf(await signIn(newEmail, user.password))).toMatchObject({ status: 401 });
    await latestMail(server, user.email, 'email-reverted');
    expect(errorOf(await revert(token))).toMatchObject({ status: 400, code: 'code_invalid' });
    // The link from the first notice is void too, once one was used.
    const first = tokenIn(await latestMail(server, user.email, 'email-change-requested'));
    expect(errorOf(await revert(first))).toMatchObject({ status: 400 });
    const again = await accessToken(user.email, user.password);
    const events = await api(server, 'GET', '/api/account/security-events', { token: again });
    expect(JSON.stringify(events.json)).toContain('email_change_reverted');
  });

  it('before confirmation: cancels the pending address, so its code no longer works', async () => {
    const user = await server.createUser('eve');
    const newEmail = fresh();
    await requestChange(user, newEmail);
    const code = codeIn(await latestMail(server, newEmail, 'email-change-code'));
    expect(
      (await revert(tokenIn(await latestMail(server, user.email, 'email-change-requested')))).status,
    ).toBe(200);
    const token = await accessToken(user.email, user.password);
    const me = Me.parse((await api(server, 'GET', '/api/auth/me', { token })).json);
    expect(me).toMatchObject({ email: user.email, pendingEmail: null });
    const late = await api(server, 'POST', '/api/account/email/confirm', { token, body: { code } });
    expect(errorOf(late)).toMatchObject({ status: 400, code: 'code_invalid' });
  });

  it('expires after seven days', async () => {
    const user = await server.createUser('fin');
    await requestChange(user, fresh());
    const token = tokenIn(await latestMail(server, user.email, 'email-change-requested'));
    offset += 7 * 24 * 60 * 60_000 + 60_000;
    expect(errorOf(await revert(token))).toMatchObject({ status: 400, code: 'code_invalid' });
    expect(errorOf(await revert('rev_notarealtokennotarealtoken'))).toMatchObject({ status: 400 });
  });
});
