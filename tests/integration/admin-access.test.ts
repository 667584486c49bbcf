// Who may use the admin API: every route of the admin contract answers 401 without a session, 403
// to a signed-in user who is not an administrator, and 401 `reauthentication_required` to an
// administrator whose last sign-in or re-authentication is not recent; nothing changes meanwhile.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '#shared/contract/admin';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let offset = 0;
const now = () => Date.now() + offset;
let server: TestServer;
let admin: TestUser;
let user: TestUser;
let target: TestUser;

beforeAll(async () => {
  server = await startTestServer({ now });
  admin = await server.createUser('root', 'admin');
  user = await server.createUser('mallory');
  target = await server.createUser('tess');
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  offset = 0;
});

type RouteName = keyof typeof adminRoutes;

/** A valid request for every admin route, so the answer is about who calls, not what is sent. */
function sampleRequests(): Record<
  RouteName,
  { query?: Record<string, string>; body?: Record<string, unknown> }
> {
  const reason = 'checking access control';
  const targetBody = { userId: target.userId, reason };
  return {
    listUsers: { query: { q: 'tess' } },
    getUser: { query: { userId: target.userId } },
    suspend: { body: targetBody },
    unsuspend: { body: targetBody },
    signOutEverywhere: { body: targetBody },
    sendPasswordReset: { body: targetBody },
    markEmailVerified: { body: targetBody },
    restoreDeletion: { body: targetBody },
    purge: { body: { ...targetBody, confirmEmail: target.email } },
    changeRole: { body: { ...targetBody, role: 'admin' } },
    audit: { query: { limit: '10' } },
    createExport: { body: { format: 'ndjson', reason } },
    listExports: {},
    exportStatus: { query: { exportId: randomUUID() } },
    downloadExport: { query: { exportId: randomUUID() } },
  };
}

function call(name: RouteName, token: string | undefined) {
  const route = adminRoutes[name];
  const sample = sampleRequests()[name];
  const query = sample.query === undefined ? '' : `?${new URLSearchParams(sample.query).toString()}`;
  return api(server, route.method, `${route.path}${query}`, {
    ...(token === undefined ? {} : { token }),
    ...(sample.body === undefined ? {} : { body: sample.body }),
  });
}

const routeNames = Object.keys(adminRoutes) as RouteName[];

describe('the admin contract', () => {
  it('is registered whole, every route tagged admin and requiring the admin role', () => {
    const registered = server.server.registry.contracts;
    for (const name of routeNames) {
      const route = adminRoutes[name];
      expect(route.auth, name).toBe('admin');
      expect(route.tags, name).toContain('admin');
      expect(registered, `${name} is not registered`).toContain(route);
    }
    const adminPaths = registered.filter((route) => route.path.startsWith('/api/admin'));
    for (const route of adminPaths) expect(Object.values(adminRoutes)).toContain(route);
  });

  it('needs a `reason` in every mutation body', () => {
    for (const name of routeNames) {
      const route = adminRoutes[name];
      if (route.method !== 'POST') continue;
      const shape = (route.body as { shape?: Record<string, unknown> } | undefined)?.shape;
      expect(shape, name).toHaveProperty('reason');
    }
  });
});

describe('access to the admin API', () => {
  it('answers 401 without a session on every admin route', async () => {
    for (const name of routeNames) {
      expect(errorOf(await call(name, undefined)), name).toMatchObject({
        status: 401,
        code: 'unauthenticated',
      });
    }
  });

  it('answers 403 to a signed-in non-administrator on every admin route, and changes nothing', async () => {
    const before = await server.server.store.findUser(target.userId);
    for (const name of routeNames) {
      expect(errorOf(await call(name, user.token)), name).toMatchObject({ status: 403, code: 'forbidden' });
    }
    expect(await server.server.store.findUser(target.userId)).toEqual(before);
    expect(await server.server.store.admin.listExportJobs(10)).toEqual([]);
  });

  it('asks an administrator without a recent authentication to confirm the password first', async () => {
    offset = 11 * 60_000;
    for (const name of routeNames) {
      expect(errorOf(await call(name, admin.token)), name).toMatchObject({
        status: 401,
        code: 'reauthentication_required',
      });
    }
    const confirmed = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: admin.token,
      body: { password: admin.password },
    });
    expect(confirmed.status).toBe(200);
    const list = await call('listUsers', admin.token);
    expect(list.status).toBe(200);
  });

  it('lets a recently signed-in administrator in', async () => {
    const list = await call('listUsers', admin.token);
    expect(list.status).toBe(200);
    const detail = await call('getUser', admin.token);
    expect(detail.status).toBe(200);
  });
});
