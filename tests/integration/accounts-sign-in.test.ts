// Signing in over HTTP: enumeration safety (same answer, same work), per-account lockout with its
// notice mail, per-address throttling, and the audit trail of successes and failures.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEvent, SignInResult } from '#shared/contract/auth';
import { mailsTo } from '../helpers/outbox.ts';
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

const signIn = (email: string, password: string, target: TestServer = server) =>
  api(target, 'POST', '/api/auth/sign-in', {
    body: { email, password, deviceName: 'Work laptop' },
    headers: { 'user-agent': 'AccordDesktop/1.0' },
  });

async function events(user: TestUser) {
  const response = await api(server, 'GET', '/api/account/security-events?limit=100', { token: user.token });
  return SecurityEvent.array().parse((response.json as { events: unknown }).events);
}

describe('sign-in', () => {
  it('signs in with the right password and records where from', async () => {
    const user = await server.createUser('ana');
    const response = await signIn(user.email.toUpperCase(), user.password);
    expect(response.status).toBe(200);
    const result = SignInResult.parse(response.json);
    if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
    expect(result.tokens.accessToken).toMatch(/^acc_[A-Za-z0-9_-]{43}$/);
    expect(result.tokens.refreshToken).toMatch(/^ref_[A-Za-z0-9_-]{43}$/);
    const [latest] = await events(user);
    expect(latest).toMatchObject({
      type: 'sign_in_succeeded',
      actorId: user.userId,
      ip: '127.0.0.1',
      userAgent: 'AccordDesktop/1.0',
    });
  });

  it('gives an unknown email and a wrong password the same status and body, and the same work', async () => {
    const user = await server.createUser('bea');
    const { passwords } = server.server.accounts;
    let realChecks = 0;
    let dummyChecks = 0;
    const verify = passwords.verify.bind(passwords);
    const verifyDummy = passwords.verifyDummy.bind(passwords);
    passwords.verify = (stored, password) => {
      realChecks += 1;
      return verify(stored, password);
    };
    passwords.verifyDummy = (password) => {
      dummyChecks += 1;
      return verifyDummy(password);
    };
    try {
      const wrong = await signIn(user.email, 'not the password at all');
      const unknown = await signIn('nobody-here@example.test', 'not the password at all');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(wrong.status);
      expect(unknown.json).toEqual(wrong.json);
      expect(errorOf(wrong)).toMatchObject({ code: 'invalid_credentials' });
      // One argon2 verification on each path: the unknown address is not answered faster.
      expect([realChecks, dummyChecks]).toEqual([1, 1]);
    } finally {
      passwords.verify = verify;
      passwords.verifyDummy = verifyDummy;
    }
    expect((await events(user)).map((event) => event.type)).toContain('sign_in_failed');
  });

  it('locks an account after five failures, notifies the owner once, and unlocks after 15 minutes', async () => {
    const user = await server.createUser('cyd');
    for (let i = 0; i < 4; i++) {
      expect(errorOf(await signIn(user.email, `wrong ${i}`))).toMatchObject({ status: 401 });
    }
    const locking = await signIn(user.email, 'wrong 4');
    expect(errorOf(locking)).toMatchObject({ status: 423, code: 'account_locked' });
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(800);
    // Locked: even the right password waits.
    expect(errorOf(await signIn(user.email, user.password))).toMatchObject({ status: 423 });
    expect(errorOf(await signIn(user.email, 'wrong again'))).toMatchObject({ status: 423 });

    const notices = await mailsTo(server, user.email, 'account-locked');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('15 minutes');
    expect((await events(user)).map((event) => event.type)).toContain('account_locked');

    offset += 15 * 60_000 + 1_000;
    expect((await signIn(user.email, user.password)).status).toBe(200);
  });

  it('locks an unknown address exactly like a known one, so a lock reveals nothing', async () => {
    const user = await server.createUser('dex');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push((await signIn(user.email, `wrong ${i}`)).status);
      unknown.push((await signIn('ghost@example.test', `wrong ${i}`)).status);
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([401, 401, 401, 401, 423, 423]);
    const lockedKnown = await signIn(user.email, 'x');
    const lockedUnknown = await signIn('ghost@example.test', 'x');
    expect(lockedUnknown.json).toEqual(lockedKnown.json);
    expect(await mailsTo(server, 'ghost@example.test')).toEqual([]);
  });

  it('a successful sign-in resets the failure count', async () => {
    const user = await server.createUser('eli');
    for (let i = 0; i < 4; i++) await signIn(user.email, `wrong ${i}`);
    expect((await signIn(user.email, user.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await signIn(user.email, `wrong again ${i}`)).status).toBe(401);
    }
  });

  it('rejects a malformed request without revealing anything', async () => {
    const response = await api(server, 'POST', '/api/auth/sign-in', {
      body: { email: 'not-an-email', password: 'x' },
    });
    expect(errorOf(response)).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('per-address throttling', () => {
  it('answers 429 once one client address failed too often across accounts', async () => {
    const strict = await startTestServer({ now, accountLimits: { ipFailuresPerWindow: 6 } });
    try {
      const user = await strict.createUser('fay');
      for (let i = 0; i < 6; i++) {
        expect((await signIn(`victim-${i}@example.test`, 'guess', strict)).status).toBe(401);
      }
      const limited = await signIn(user.email, user.password, strict);
      expect(errorOf(limited)).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      offset += 15 * 60_000 + 1_000;
      expect((await signIn(user.email, user.password, strict)).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });
});
