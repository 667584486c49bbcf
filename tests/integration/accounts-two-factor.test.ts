// Two-factor authentication over HTTP: setup behind a recent authentication, confirmation with a
// first code, sign-in with TOTP (one step of clock drift either way, no replay), single-use
// recovery codes, regeneration, and turning it off.
import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Me, SessionTokens, SignInResult } from '#shared/contract/auth';
import { AccountSyncDoc } from '#shared/contract/sync';
import { latestMail, mailsTo } from '../helpers/outbox.ts';
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

/** The code an authenticator app whose clock is `driftSeconds` off the server's shows right now. */
function codeAt(secret: string, driftSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(now() / 1000) + driftSeconds });
}

async function signIn(user: TestUser) {
  const response = await api(server, 'POST', '/api/auth/sign-in', {
    body: { email: user.email, password: user.password, deviceName: 'Laptop' },
  });
  expect(response.status).toBe(200);
  return SignInResult.parse(response.json);
}

async function challenge(user: TestUser): Promise<string> {
  const result = await signIn(user);
  if (result.kind !== 'second-factor') throw new Error(`expected a second-factor step, got ${result.kind}`);
  return result.challengeToken;
}

const secondFactor = (challengeToken: string, answer: { totpCode?: string; recoveryCode?: string }) =>
  api(server, 'POST', '/api/auth/sign-in/second-factor', { body: { challengeToken, ...answer } });

async function enable(user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await api(server, 'POST', '/api/auth/2fa/setup', { token: user.token });
  expect(setup.status).toBe(200);
  const { secret, otpauthUri } = setup.json as { secret: string; otpauthUri: string };
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Accord:/);
  expect(otpauthUri).toContain(`secret=${secret}`);
  expect(otpauthUri).toContain('issuer=Accord');
  const confirmed = await api(server, 'POST', '/api/auth/2fa/confirm', {
    token: user.token,
    body: { totpCode: await codeAt(secret) },
  });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: (confirmed.json as { recoveryCodes: string[] }).recoveryCodes };
}

describe('turning two-factor authentication on', () => {
  it('needs a recent authentication, and a first code before it takes effect', async () => {
    const user = await server.createUser('pia');
    offset += 11 * 60_000;
    expect(errorOf(await api(server, 'POST', '/api/auth/2fa/setup', { token: user.token }))).toMatchObject({
      status: 401,
      code: 'reauthentication_required',
    });
    const wrong = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: user.token,
      body: { password: 'not it' },
    });
    expect(errorOf(wrong)).toMatchObject({ status: 401, code: 'invalid_credentials' });
    const reauth = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: user.token,
      body: { password: user.password },
    });
    expect(reauth.status).toBe(200);
    const { recentAuthUntil } = reauth.json as { recentAuthUntil: string };
    expect(Date.parse(recentAuthUntil) - now()).toBeGreaterThan(9 * 60_000);
    expect(
      Me.parse((await api(server, 'GET', '/api/auth/me', { token: user.token })).json).recentAuthUntil,
    ).toBe(recentAuthUntil);

    const setup = await api(server, 'POST', '/api/auth/2fa/setup', { token: user.token });
    const { secret } = setup.json as { secret: string };
    // Until confirmed, sign-in still needs the password only.
    expect((await signIn(user)).kind).toBe('signed-in');
    const good = await codeAt(secret);
    const bad = good === '000000' ? '000001' : '000000';
    const rejected = await api(server, 'POST', '/api/auth/2fa/confirm', {
      token: user.token,
      body: { totpCode: bad },
    });
    expect(errorOf(rejected)).toMatchObject({ status: 400, code: 'code_invalid' });
    const confirmed = await api(server, 'POST', '/api/auth/2fa/confirm', {
      token: user.token,
      body: { totpCode: good },
    });
    const { recoveryCodes } = confirmed.json as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);

    // The account document devices sync says so, and the owner got a notice.
    const pulled = await api(server, 'GET', '/api/sync/accounts/pull', { token: user.token });
    const [account] = AccountSyncDoc.array().parse((pulled.json as { documents: unknown }).documents);
    expect(account?.twoFactorEnabled).toBe(true);
    expect(account?.clocks.twoFactorEnabled).toBeDefined();
    await latestMail(server, user.email, 'two-factor-enabled');
    expect(errorOf(await api(server, 'POST', '/api/auth/2fa/setup', { token: user.token }))).toMatchObject({
      status: 409,
      code: 'conflict',
    });
  });
});

describe('signing in with a second factor', () => {
  it('accepts the code of a clock one step off either way, never a code twice, nothing further off', async () => {
    const user = await server.createUser('quin');
    const { secret } = await enable(user);
    // The confirmation used the current step; later sign-ins need later steps.
    offset += 120_000;
    const behind = await secondFactor(await challenge(user), { totpCode: await codeAt(secret, -25) });
    expect(behind.status).toBe(200);
    SessionTokens.parse(behind.json);

    offset += 120_000;
    const aheadCode = await codeAt(secret, 25);
    expect((await secondFactor(await challenge(user), { totpCode: aheadCode })).status).toBe(200);
    // The same code again is a replay.
    expect(errorOf(await secondFactor(await challenge(user), { totpCode: aheadCode }))).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });

    offset += 120_000;
    const token = await challenge(user);
    expect(errorOf(await secondFactor(token, { totpCode: await codeAt(secret, -65) }))).toMatchObject({
      status: 401,
    });
    expect(errorOf(await secondFactor(token, { totpCode: await codeAt(secret, 65) }))).toMatchObject({
      status: 401,
    });
    expect((await secondFactor(token, { totpCode: await codeAt(secret) })).status).toBe(200);
    // A challenge is single use.
    expect(errorOf(await secondFactor(token, { totpCode: await codeAt(secret) }))).toMatchObject({
      status: 401,
    });
  });

  it('expires the challenge after five minutes and needs exactly one kind of code', async () => {
    const user = await server.createUser('rex');
    const { secret, recoveryCodes } = await enable(user);
    const token = await challenge(user);
    expect(errorOf(await secondFactor(token, {}))).toMatchObject({ status: 400, code: 'validation_failed' });
    const both = await secondFactor(token, {
      totpCode: await codeAt(secret),
      recoveryCode: recoveryCodes[0] ?? '',
    });
    expect(errorOf(both)).toMatchObject({ status: 400 });
    offset += 5 * 60_000 + 1_000;
    expect(errorOf(await secondFactor(token, { totpCode: await codeAt(secret) }))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('takes each recovery code once, tells the owner, and regenerated codes replace the old', async () => {
    const user = await server.createUser('sol');
    const { recoveryCodes } = await enable(user);
    const [first = '', second = ''] = recoveryCodes;
    expect((await secondFactor(await challenge(user), { recoveryCode: first })).status).toBe(200);
    const notice = await latestMail(server, user.email, 'recovery-code-used');
    expect(notice.text).toContain('9 unused codes remain');
    expect(errorOf(await secondFactor(await challenge(user), { recoveryCode: first }))).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });

    const regenerated = await api(server, 'POST', '/api/auth/2fa/recovery-codes', { token: user.token });
    expect(regenerated.status).toBe(200);
    const fresh = (regenerated.json as { recoveryCodes: string[] }).recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(errorOf(await secondFactor(await challenge(user), { recoveryCode: second }))).toMatchObject({
      status: 401,
    });
    expect((await secondFactor(await challenge(user), { recoveryCode: fresh[0] ?? '' })).status).toBe(200);
    await latestMail(server, user.email, 'recovery-codes-regenerated');
  });
});

describe('with two-factor on', () => {
  it('re-authentication needs the code too, and turning it off needs the password', async () => {
    const user = await server.createUser('tam');
    const { secret } = await enable(user);
    offset += 120_000;
    const passwordOnly = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: user.token,
      body: { password: user.password },
    });
    expect(errorOf(passwordOnly)).toMatchObject({
      status: 401,
      code: 'second_factor_required',
      field: 'totpCode',
    });
    const reauth = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: user.token,
      body: { password: user.password, totpCode: await codeAt(secret) },
    });
    expect(reauth.status).toBe(200);

    const wrong = await api(server, 'POST', '/api/auth/2fa/disable', {
      token: user.token,
      body: { password: 'nope' },
    });
    expect(errorOf(wrong)).toMatchObject({ status: 401, code: 'invalid_credentials' });
    const disabled = await api(server, 'POST', '/api/auth/2fa/disable', {
      token: user.token,
      body: { password: user.password },
    });
    expect(disabled.status).toBe(200);
    expect((await signIn(user)).kind).toBe('signed-in');
    expect(await mailsTo(server, user.email, 'two-factor-disabled')).toHaveLength(1);
    const events = JSON.stringify(
      (await api(server, 'GET', '/api/account/security-events', { token: user.token })).json,
    );
    expect(events).toContain('two_factor_enabled');
    expect(events).toContain('two_factor_disabled');
  });
});
