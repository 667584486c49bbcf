// Sessions over HTTP: short access tokens, rotating refresh tokens with reuse detection, the device
// list, revocation and sign-out, and that suspended or revoked sessions (and their streams) stop at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionInfo, SessionTokens, SignInResult } from '#shared/contract/auth';
import { setAccountStatus } from '../../sync-server/accounts/status.ts';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.ts';
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

async function signIn(user: TestUser, deviceName: string): Promise<SessionTokens> {
  const response = await api(server, 'POST', '/api/auth/sign-in', {
    body: { email: user.email, password: user.password, deviceName },
    headers: { 'user-agent': `${deviceName} agent` },
  });
  const result = SignInResult.parse(response.json);
  if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
  return result.tokens;
}

const refresh = (refreshToken: string) =>
  api(server, 'POST', '/api/auth/refresh', { body: { refreshToken } });
const me = (token: string) => api(server, 'GET', '/api/auth/me', { token });
const pull = (token: string) => api(server, 'GET', '/api/sync/profiles/pull', { token });

/** Opens an SSE stream and resolves `ended` when the server closes it. */
function openStream(token: string) {
  return openStreamOn(server, token);
}

async function openStreamOn(target: TestServer, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${target.url}/api/sync/profiles/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const body = response.body;
  if (body === null) throw new Error('no stream body');
  const reader = body.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value as Uint8Array | undefined)).toContain('RESYNC');
  const ended = (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) return 'ended' as const;
    }
  })().catch(() => 'aborted' as const);
  return {
    ended,
    abort: () => {
      controller.abort();
    },
  };
}

/** Resolves with what happened first: the stream ended, or the time ran out. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([
    promise,
    new Promise<'timeout'>((resolve) => {
      setTimeout(() => {
        resolve('timeout');
      }, ms);
    }),
  ]);
}

describe('access and refresh tokens', () => {
  it('expires access tokens after 15 minutes and rotates the refresh token', async () => {
    const user = await server.createUser('gil');
    const first = await signIn(user, 'Desk');
    expect(Date.parse(first.accessTokenExpiresAt) - now()).toBeLessThanOrEqual(15 * 60_000);
    expect((await me(first.accessToken)).status).toBe(200);

    offset += 16 * 60_000;
    expect(errorOf(await me(first.accessToken))).toMatchObject({ status: 401, code: 'unauthenticated' });
    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = SessionTokens.parse(rotated.json);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);
  });

  it('treats a reused refresh token as theft and ends the whole session', async () => {
    const user = await server.createUser('hal');
    const first = await signIn(user, 'Phone');
    const second = SessionTokens.parse((await refresh(first.refreshToken)).json);
    expect((await me(second.accessToken)).status).toBe(200);

    // The old refresh token shows up again (a copy was stolen): the session family ends.
    expect(errorOf(await refresh(first.refreshToken))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
    expect(errorOf(await me(second.accessToken))).toMatchObject({ status: 401 });
    expect(errorOf(await refresh(second.refreshToken))).toMatchObject({ status: 401 });
    // Other sessions of the account are unaffected and see why.
    const events = await api(server, 'GET', '/api/account/security-events', { token: user.token });
    expect(JSON.stringify(events.json)).toContain('refresh_token_reused');
  });

  it('lets a refresh token lapse after 14 idle days', async () => {
    const user = await server.createUser('ida');
    const tokens = await signIn(user, 'Tablet');
    offset += 14 * 24 * 60 * 60_000 + 60_000;
    expect(errorOf(await refresh(tokens.refreshToken))).toMatchObject({ status: 401 });
    expect(errorOf(await refresh('ref_nonsensenonsensenonsense'))).toMatchObject({ status: 401 });
  });
});

describe('the device list', () => {
  it('lists sessions with device, times and address, and revokes one or all others', async () => {
    const user = await server.createUser('jon');
    const laptop = await signIn(user, 'Laptop');
    const phone = await signIn(user, 'Phone');
    const listed = await api(server, 'GET', '/api/auth/sessions', { token: laptop.accessToken });
    const sessions = SessionInfo.array().parse((listed.json as { sessions: unknown }).sessions);
    expect(sessions.map((session) => session.deviceName).sort()).toEqual([
      'Laptop',
      'Phone',
      "jon's test device",
    ]);
    const current = sessions.find((session) => session.current);
    expect(current).toMatchObject({ id: laptop.sessionId, ip: '127.0.0.1', userAgent: 'Laptop agent' });

    const stranger = await server.createUser('kim');
    const notMine = await api(server, 'POST', '/api/auth/sessions/revoke', {
      token: stranger.token,
      body: { sessionId: phone.sessionId },
    });
    expect(errorOf(notMine)).toMatchObject({ status: 404, code: 'not_found' });
    expect((await me(phone.accessToken)).status).toBe(200);

    const revoked = await api(server, 'POST', '/api/auth/sessions/revoke', {
      token: laptop.accessToken,
      body: { sessionId: phone.sessionId },
    });
    expect(revoked.status).toBe(200);
    expect(errorOf(await me(phone.accessToken))).toMatchObject({ status: 401 });
    expect(errorOf(await refresh(phone.refreshToken))).toMatchObject({ status: 401 });

    const others = await api(server, 'POST', '/api/auth/sessions/revoke-others', {
      token: laptop.accessToken,
    });
    expect(others.json).toEqual({ revoked: 1 });
    expect(errorOf(await me(user.token))).toMatchObject({ status: 401 });
    const left = await api(server, 'GET', '/api/auth/sessions', { token: laptop.accessToken });
    expect(
      SessionInfo.array()
        .parse((left.json as { sessions: unknown }).sessions)
        .map((s) => s.id),
    ).toEqual([laptop.sessionId]);
  });

  it('signing out ends the session on the server', async () => {
    const user = await server.createUser('lea');
    const tokens = await signIn(user, 'Kiosk');
    const out = await api(server, 'POST', '/api/auth/sign-out', { token: tokens.accessToken });
    expect(out.status).toBe(200);
    expect(errorOf(await me(tokens.accessToken))).toMatchObject({ status: 401 });
    expect(errorOf(await refresh(tokens.refreshToken))).toMatchObject({ status: 401 });
    expect((await me(user.token)).status).toBe(200);
  });
});

describe('revocation reaches everything at once', () => {
  it('a suspended account stops working on every route, refresh included, and its streams end', async () => {
    const user = await server.createUser('max');
    const tokens = await signIn(user, 'Laptop');
    const stream = await openStream(tokens.accessToken);
    await setAccountStatus(server.server.accounts, user.userId, 'suspended', { actorId: null });

    expect(await within(stream.ended, 3_000)).toBe('ended');
    expect(errorOf(await me(tokens.accessToken))).toMatchObject({ status: 403, code: 'account_suspended' });
    expect(errorOf(await pull(user.token))).toMatchObject({ status: 403, code: 'account_suspended' });
    expect(errorOf(await refresh(tokens.refreshToken))).toMatchObject({
      status: 403,
      code: 'account_suspended',
    });

    await setAccountStatus(server.server.accounts, user.userId, 'active', { actorId: null });
    expect((await me(tokens.accessToken)).status).toBe(200);
    // The refresh attempt during the suspension did not use the token up.
    expect((await refresh(tokens.refreshToken)).status).toBe(200);
  });

  it('a revoked session’s open stream ends without waiting for the heartbeat', async () => {
    const user = await server.createUser('ned');
    const tokens = await signIn(user, 'Laptop');
    const stream = await openStream(tokens.accessToken);
    const kept = await openStream(user.token);
    await api(server, 'POST', '/api/auth/sessions/revoke', {
      token: user.token,
      body: { sessionId: tokens.sessionId },
    });
    expect(await within(stream.ended, 3_000)).toBe('ended');
    // The other session's stream stays open.
    expect(await within(kept.ended, 300)).toBe('timeout');
    kept.abort();
  });

  it('a personal access token is refused by the sync and account routes', async () => {
    const user = await server.createUser('ola');
    const created = await api(server, 'POST', '/api/tokens', {
      token: user.token,
      body: { name: 'script', scopes: ['profile:read', 'settings:read', 'directory:read'] },
    });
    const { token } = created.json as { token: string };
    expect(errorOf(await pull(token))).toMatchObject({ status: 401 });
    expect(errorOf(await me(token))).toMatchObject({ status: 401 });
    expect(errorOf(await api(server, 'GET', '/api/auth/sessions', { token }))).toMatchObject({ status: 401 });
  });
});

describe.runIf(await requirePostgres())('two servers on one PostgreSQL database', () => {
  it('a suspension made through one server ends the user’s stream on the other at once', async () => {
    const database = await createTestDatabase();
    const first = await startTestServer({ databaseUrl: database.url });
    const second = await startTestServer({ databaseUrl: database.url });
    try {
      const user = await first.createUser('pam');
      const stream = await openStreamOn(second, user.token);
      await setAccountStatus(first.server.accounts, user.userId, 'suspended', { actorId: null });
      // Well before the 15-second heartbeat: the account change travels through LISTEN/NOTIFY.
      expect(await within(stream.ended, 5_000)).toBe('ended');
      expect(errorOf(await api(second, 'GET', '/api/auth/me', { token: user.token }))).toMatchObject({
        status: 403,
        code: 'account_suspended',
      });
    } finally {
      await first.stop();
      await second.stop();
      await database.drop();
    }
  });
});
