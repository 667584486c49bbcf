// User management over HTTP: list, search and page through users; view one (private fields, never
// owner fields or secrets); suspend (no sign-in, no sync, a tombstone for viewers, sessions gone)
// and lift it; sign out everywhere; mail a reset code; verify an address; restore and purge a
// pending deletion; change roles without losing the last administrator. Every action is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminActionResult,
  AdminAuditEvent,
  AdminUserDetail,
  UserPage,
  type AdminUserSummary,
} from '#shared/contract/admin';
import { SessionTokens, SignInResult } from '#shared/contract/auth';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { codeIn, latestMail } from '../helpers/outbox.ts';
import { pushOwnPatch } from '../helpers/owner-api.ts';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let server: TestServer;
let root: TestUser;
let viewer: TestUser;
const reason = 'support ticket 4711';

beforeAll(async () => {
  server = await startTestServer();
  root = await server.createUser('root', 'admin');
  viewer = await server.createUser('viewer');
});
afterAll(async () => {
  await server.stop();
});

async function adminPost(path: string, body: Record<string, unknown>, token = root.token) {
  return api(server, 'POST', `/api/admin/users/${path}`, { token, body: { reason, ...body } });
}

async function act(path: string, userId: string, extra: Record<string, unknown> = {}) {
  const response = await adminPost(path, { userId, ...extra });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return AdminActionResult.parse(response.json);
}

async function list(query: Record<string, string>) {
  const response = await api(server, 'GET', `/api/admin/users?${new URLSearchParams(query).toString()}`, {
    token: root.token,
  });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return UserPage.parse(response.json);
}

async function signIn(user: TestUser) {
  return api(server, 'POST', '/api/auth/sign-in', {
    body: { email: user.email, password: user.password, deviceName: 'Laptop' },
  });
}

async function signInTokens(user: TestUser) {
  const response = await signIn(user);
  expect(response.status).toBe(200);
  const result = SignInResult.parse(response.json);
  if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
  return result.tokens;
}

async function auditOf(userId: string) {
  const response = await api(server, 'GET', `/api/admin/audit?targetUserId=${userId}`, { token: root.token });
  expect(response.status).toBe(200);
  return AdminAuditEvent.array().parse((response.json as { events: unknown }).events);
}

async function directoryEntry(ownerId: string) {
  const response = await api(server, 'GET', '/api/sync/directory/pull?limit=500', { token: viewer.token });
  expect(response.status).toBe(200);
  const docs = (response.json as { documents: { id: string; _deleted: boolean; displayName?: string }[] })
    .documents;
  return docs.find((doc) => doc.id === ownerId);
}

describe('listing and searching users', () => {
  const created: TestUser[] = [];
  beforeAll(async () => {
    for (const name of ['pagina', 'paginb', 'paginc', 'pagind', 'pagine'])
      created.push(await server.createUser(name));
  });

  it('finds users by part of the email or the display name, case-insensitively', async () => {
    const byName = await list({ q: 'PAGINC' });
    expect(byName.users.map((u) => u.userId)).toEqual([created[2]?.userId]);
    expect(byName.total).toBe(1);
    const byEmail = await list({ q: created[0]?.email.slice(0, 10) ?? '' });
    expect(byEmail.users.map((u) => u.email)).toContain(created[0]?.email);
    const pattern = await list({ q: '%' });
    expect(pattern.total).toBe(0);
  });

  it('filters by role and status', async () => {
    const admins = await list({ role: 'admin' });
    expect(admins.users.every((u) => u.role === 'admin')).toBe(true);
    expect(admins.users.map((u) => u.userId)).toContain(root.userId);
    const suspended = await list({ status: 'suspended', q: 'pagin' });
    expect(suspended.total).toBe(0);
  });

  it('pages newest first with a keyset cursor: every user once, stable while users are added', async () => {
    const seen: AdminUserSummary[] = [];
    let cursor: string | null = null;
    let total = 0;
    let pages = 0;
    do {
      const page: ReturnType<typeof UserPage.parse> = await list({
        q: 'pagin',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      if (pages === 0) total = page.total;
      seen.push(...page.users);
      cursor = page.nextCursor;
      pages += 1;
      // A user added meanwhile is newer than every page already seen: it does not shift the pages.
      if (pages === 1) created.push(await server.createUser('paginf'));
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen.map((u) => u.userId)).toEqual(
      created
        .slice(0, 5)
        .map((u) => u.userId)
        .reverse(),
    );
    expect(total).toBe(5);
  });

  it('refuses a cursor it did not make', async () => {
    const response = await api(server, 'GET', '/api/admin/users?cursor=not-a-cursor', { token: root.token });
    expect(errorOf(response)).toMatchObject({ status: 400, code: 'validation_failed', field: 'cursor' });
  });
});

describe('viewing a user', () => {
  it('shows private fields and sessions, never owner-only fields or secrets', async () => {
    const ada = await server.createUser('ada');
    await pushOwnPatch({ baseUrl: server.url, token: ada.token }, 'profiles', (doc, stamp) => ({
      legalName: 'Ada Private Legalname',
      blocked: putEntry((doc.blocked ?? []) as AnySetEntry[], {
        id: 'blocked-owner-only-id',
        removed: false,
        at: stamp(),
      }),
    }));
    const response = await api(server, 'GET', `/api/admin/users/detail?userId=${ada.userId}`, {
      token: root.token,
    });
    expect(response.status).toBe(200);
    const detail = AdminUserDetail.parse(response.json);
    expect(detail.profile?.legalName).toBe('Ada Private Legalname');
    expect(detail.profile).not.toHaveProperty('blocked');
    expect(detail.account.email).toBe(ada.email);
    expect(detail.sessions).toHaveLength(1);
    const text = JSON.stringify(response.json);
    expect(text).not.toContain('blocked-owner-only-id');
    expect(text).not.toContain('$argon2');
    expect(text).not.toMatch(/passwordHash|totpSecret|recoveryCodes|tokenHash/);
  });

  it('answers 404 for an unknown user', async () => {
    const response = await api(
      server,
      'GET',
      '/api/admin/users/detail?userId=00000000-0000-4000-8000-000000000000',
      {
        token: root.token,
      },
    );
    expect(errorOf(response)).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('suspension', () => {
  it('ends every session at once, blocks sign-in and sync, and turns the directory entry into a tombstone', async () => {
    const sam = await server.createUser('sam');
    expect((await directoryEntry(sam.userId))?._deleted).toBe(false);
    // A device of sam's is live-syncing the directory.
    const live = await fetch(`${server.url}/api/sync/directory/stream`, {
      headers: { authorization: `Bearer ${sam.token}` },
    });
    if (live.body === null) throw new Error('no stream');
    const reader = (live.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('RESYNC');

    const result = await act('suspend', sam.userId);
    expect(result.user.status).toBe('suspended');

    // The open stream ends at once (not at its next heartbeat).
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, 5_000);
      }),
    ]);
    clearTimeout(timer);
    expect(ended).toBe(true);

    // Every session ended: the device's tokens stop working, for sync and for refresh alike
    // (ended, or refused as suspended: either way no new tokens).
    expect(await server.server.store.listSessions(sam.userId, new Date().toISOString())).toEqual([]);
    const refusedCodes = ['unauthenticated', 'account_suspended'];
    const pull = errorOf(await api(server, 'GET', '/api/sync/profiles/pull', { token: sam.token }));
    expect(refusedCodes).toContain(pull.code);
    const refresh = errorOf(
      await api(server, 'POST', '/api/auth/refresh', { body: { refreshToken: sam.refreshToken } }),
    );
    expect(refusedCodes).toContain(refresh.code);
    // Signing in is refused with the same clear message.
    const refused = errorOf(await signIn(sam));
    expect(refused).toMatchObject({ status: 403, code: 'account_suspended' });
    expect(refused.message).toMatch(/suspended/);
    // Viewers receive a tombstone: the profile leaves their device.
    const entry = await directoryEntry(sam.userId);
    expect(entry).toMatchObject({ id: sam.userId, _deleted: true });
    expect(entry).not.toHaveProperty('displayName');

    const [event] = await auditOf(sam.userId);
    expect(event).toMatchObject({
      action: 'suspend',
      actorId: root.userId,
      targetUserId: sam.userId,
      reason,
    });

    // Suspending twice, or oneself, is a conflict.
    expect(errorOf(await adminPost('suspend', { userId: sam.userId }))).toMatchObject({ status: 409 });
    expect(errorOf(await adminPost('suspend', { userId: root.userId }))).toMatchObject({ status: 409 });

    const lifted = await act('unsuspend', sam.userId);
    expect(lifted.user.status).toBe('active');
    const tokens = await signInTokens(sam);
    expect((await api(server, 'GET', '/api/sync/profiles/pull', { token: tokens.accessToken })).status).toBe(
      200,
    );
    expect((await directoryEntry(sam.userId))?._deleted).toBe(false);
    expect((await auditOf(sam.userId)).map((e) => e.action).slice(0, 2)).toEqual(['unsuspend', 'suspend']);
  });
});

describe('sessions, password reset and verification', () => {
  it('signs a user out everywhere', async () => {
    const sid = await server.createUser('sid');
    const second = await signInTokens(sid);
    const result = await act('sign-out', sid.userId);
    expect(result.message).toMatch(/2 sessions ended/);
    for (const token of [sid.token, second.accessToken]) {
      expect(errorOf(await api(server, 'GET', '/api/auth/me', { token }))).toMatchObject({ status: 401 });
    }
    // Refresh tokens die with their sessions.
    expect(
      errorOf(
        await api(server, 'POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } }),
      ),
    ).toMatchObject({
      status: 401,
    });
  });

  it('mails a reset code that the user can use', async () => {
    const rita = await server.createUser('rita');
    await act('password-reset', rita.userId);
    const mail = await latestMail(server, rita.email, 'password-reset');
    const reset = await api(server, 'POST', '/api/auth/password/reset', {
      body: { email: rita.email, code: codeIn(mail), newPassword: 'a brand new passphrase for rita' },
    });
    expect(reset.status).toBe(200);
    const signedIn = await api(server, 'POST', '/api/auth/sign-in', {
      body: { email: rita.email, password: 'a brand new passphrase for rita', deviceName: 'Laptop' },
    });
    expect(SignInResult.parse(signedIn.json).kind).toBe('signed-in');
  });

  it('marks an email address verified, so the person can sign in and appears in the directory', async () => {
    const email = `unverified-${Date.now()}@example.test`;
    const password = 'unverified user long passphrase';
    expect((await api(server, 'POST', '/api/auth/register', { body: { email, password } })).status).toBe(202);
    // Registration answers first and creates the account afterwards (no enumeration by timing).
    await server.server.accounts.tasks.drain();
    const pending = await server.server.store.findUserByEmail(email);
    if (pending === undefined) throw new Error('registration created no account');
    expect(
      errorOf(
        await api(server, 'POST', '/api/auth/sign-in', { body: { email, password, deviceName: 'Laptop' } }),
      ),
    ).toMatchObject({
      status: 403,
      code: 'email_not_verified',
    });
    const result = await act('verify-email', pending.id);
    expect(result.user.emailVerified).toBe(true);
    const signedIn = await api(server, 'POST', '/api/auth/sign-in', {
      body: { email, password, deviceName: 'Laptop' },
    });
    expect(SignInResult.parse(signedIn.json).kind).toBe('signed-in');
    expect((await directoryEntry(pending.id))?._deleted).toBe(false);
  });
});

describe('pending deletion', () => {
  async function requestDeletion(user: TestUser) {
    const response = await api(server, 'POST', '/api/account/delete', {
      token: user.token,
      body: { password: user.password },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
  }

  it('restores an account pending deletion', async () => {
    const rob = await server.createUser('rob');
    await requestDeletion(rob);
    expect(errorOf(await adminPost('suspend', { userId: rob.userId }))).toMatchObject({ status: 409 });
    const result = await act('restore', rob.userId);
    expect(result.user).toMatchObject({ status: 'active', deletionDueAt: null });
    await signInTokens(rob);
    expect(errorOf(await adminPost('restore', { userId: rob.userId }))).toMatchObject({ status: 409 });
  });

  it('purges an account pending deletion now, after the email is repeated', async () => {
    const pia = await server.createUser('pia');
    expect(errorOf(await adminPost('purge', { userId: pia.userId, confirmEmail: pia.email }))).toMatchObject({
      status: 409,
    });
    await requestDeletion(pia);
    expect(
      errorOf(await adminPost('purge', { userId: pia.userId, confirmEmail: 'someone@example.test' })),
    ).toMatchObject({
      status: 400,
      field: 'confirmEmail',
    });
    const response = await adminPost('purge', { userId: pia.userId, confirmEmail: pia.email.toUpperCase() });
    expect(response.status).toBe(200);
    expect(await server.server.store.findUser(pia.userId)).toBeUndefined();
    expect((await server.server.store.getDocument('profiles', pia.userId))?.deleted).toBe(true);
    expect((await auditOf(pia.userId)).map((e) => e.action)).toEqual(['purge']);
  });
});

describe('roles', () => {
  it('promotes and demotes, and never demotes the last active administrator', async () => {
    const eve = await server.createUser('eve');
    const promoted = await act('role', eve.userId, { role: 'admin' });
    expect(promoted.user.role).toBe('admin');
    // The new administrator's session carries the role at once (with its recent sign-in).
    expect((await api(server, 'GET', '/api/admin/users?limit=1', { token: eve.token })).status).toBe(200);
    expect((await api(server, 'GET', '/api/sync/accounts/pull', { token: eve.token })).json).toMatchObject({
      documents: [{ role: 'admin' }],
    });

    // eve demotes root; then eve is the last administrator and cannot be demoted, not even by herself.
    const byEve = await adminPost('role', { userId: root.userId, role: 'user' }, eve.token);
    expect(byEve.status).toBe(200);
    expect(errorOf(await adminPost('role', { userId: eve.userId, role: 'user' }, eve.token))).toMatchObject({
      status: 409,
      code: 'conflict',
    });
    expect(errorOf(await api(server, 'GET', '/api/admin/users', { token: root.token }))).toMatchObject({
      status: 403,
    });
    expect((await adminPost('role', { userId: root.userId, role: 'admin' }, eve.token)).status).toBe(200);
    expect((await auditOf(root.userId)).map((e) => [e.action, e.actorId, e.detail])).toEqual([
      ['change_role', eve.userId, { via: 'api', from: 'user', to: 'admin' }],
      ['change_role', eve.userId, { via: 'api', from: 'admin', to: 'user' }],
    ]);
  });
});

describe('reasons and the audit log', () => {
  it('refuses a mutation without a reason', async () => {
    const response = await api(server, 'POST', '/api/admin/users/sign-out', {
      token: root.token,
      body: { userId: viewer.userId },
    });
    expect(errorOf(response)).toMatchObject({ status: 400, code: 'validation_failed', field: 'reason' });
    const short = await api(server, 'POST', '/api/admin/users/sign-out', {
      token: root.token,
      body: { userId: viewer.userId, reason: 'x' },
    });
    expect(errorOf(short)).toMatchObject({ status: 400, field: 'reason' });
  });

  it('lists admin actions newest first, by actor, with a cursor', async () => {
    const first = await api(server, 'GET', `/api/admin/audit?actorId=${root.userId}&limit=2`, {
      token: root.token,
    });
    const page = first.json as { events: unknown[]; nextCursor: string | null };
    const events = AdminAuditEvent.array().parse(page.events);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.actorId === root.userId && e.reason === reason)).toBe(true);
    expect(Date.parse(events[0]?.at ?? '') >= Date.parse(events[1]?.at ?? '')).toBe(true);
    if (page.nextCursor === null) throw new Error('expected another page');
    const next = await api(
      server,
      'GET',
      `/api/admin/audit?actorId=${root.userId}&limit=2&cursor=${page.nextCursor}`,
      {
        token: root.token,
      },
    );
    const more = AdminAuditEvent.array().parse((next.json as { events: unknown }).events);
    expect(more.map((e) => e.id)).not.toContain(events[0]?.id);
  });

  it('shows the user the administrator’s action among their security events', async () => {
    const una = await server.createUser('una');
    await act('sign-out', una.userId);
    const tokens = SessionTokens.parse(await signInTokens(una));
    const response = await api(server, 'GET', '/api/account/security-events', { token: tokens.accessToken });
    const types = (response.json as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).toContain('admin_action');
  });
});
