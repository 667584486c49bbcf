// Webhooks end to end against a real server and a receiver on loopback that checks every request
// with the Standard Webhooks reference library: signatures, retries with back-off, a restart in the
// middle of retrying, giving up, disabling a failing endpoint, resend, and the events' payloads.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDelivery, WebhookEndpoint, WebhookPayload, WebhookSecret } from '#shared/contract/webhooks';
import { profileFields } from '#shared/entities/profile';
import { putEntry } from '#shared/merge/set';
import { changeAccount } from '../../sync-server/accounts/account-doc.ts';
import { changeRole } from '../../sync-server/admin/users.ts';
import { nextAttemptAt, retryDelay } from '../../sync-server/webhooks/backoff.ts';
import { eventually } from '../helpers/device.ts';
import { mailsTo } from '../helpers/outbox.ts';
import { pushOwnPatch, type OwnerApi } from '../helpers/owner-api.ts';
import { requirePostgres } from '../helpers/postgres.ts';
import {
  api,
  errorOf,
  startTestServer,
  type Dialect,
  type TestServer,
  type TestUser,
} from '../helpers/server.ts';
import { WebhookReceiver, type ReceivedRequest } from '../helpers/webhook-receiver.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** Fast retries for tests; private networks allowed so the receiver can listen on loopback. */
const FAST = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_DELAY_MS: '400',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '3000',
} as const;

/** Verifies one request as a receiver would, with the reference library; returns the payload. */
function verified(secret: string, request: ReceivedRequest | undefined) {
  if (request === undefined) throw new Error('no such request');
  return WebhookPayload.parse(new Webhook(secret).verify(request.body, request.headers));
}

describe.each(dialects)('webhooks on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(env: Record<string, string> = {}) {
    const server = await startTestServer({ dialect, env: { ...FAST, ...env } });
    cleanups.push(() => server.stop());
    return server;
  }
  async function receiver() {
    const started = await new WebhookReceiver().start();
    cleanups.push(() => started.stop());
    return started;
  }

  async function createEndpoint(server: TestServer, user: TestUser, body: Record<string, unknown>) {
    const response = await api(server, 'POST', '/api/webhooks', { token: user.token, body });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    const { endpoint, secret } = response.json as { endpoint: unknown; secret: unknown };
    return { endpoint: WebhookEndpoint.parse(endpoint), secret: WebhookSecret.parse(secret) };
  }
  async function deliveries(server: TestServer, user: TestUser, endpointId: string) {
    const response = await api(server, 'GET', `/api/webhooks/deliveries?endpointId=${endpointId}`, {
      token: user.token,
    });
    expect(response.status).toBe(200);
    return (response.json as { deliveries: unknown[] }).deliveries.map((d) => WebhookDelivery.parse(d));
  }
  const owner = (server: TestServer, user: TestUser): OwnerApi => ({
    baseUrl: server.url,
    token: user.token,
  });

  it('signs each delivery so a Standard Webhooks receiver verifies it, and lists the endpoint on devices', async () => {
    const server = await start();
    const hook = await receiver();
    const ann = await server.createUser('ann');
    const { endpoint, secret } = await createEndpoint(server, ann, {
      url: hook.url,
      events: ['profile.updated'],
    });
    expect(endpoint).toMatchObject({ status: 'active', scope: 'own', events: ['profile.updated'] });

    await pushOwnPatch(owner(server, ann), 'profiles', () => ({ displayName: 'Ann Webhook', bio: 'hello' }));
    await eventually(() => {
      expect(hook.received).toHaveLength(1);
    });
    const [request] = hook.received;
    if (request === undefined) throw new Error('no request');
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verified(secret, request);
    expect(payload).toMatchObject({
      type: 'profile.updated',
      data: { userId: ann.userId, profile: { displayName: 'Ann Webhook', bio: 'hello' } },
    });
    expect([...(payload.data.changedFields as string[])].sort()).toEqual(['bio', 'displayName']);
    // Any other secret fails, as does a changed body.
    const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(() => other.verify(request.body, request.headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${request.body} `, request.headers)).toThrow();

    await eventually(async () => {
      expect(await deliveries(server, ann, endpoint.id)).toEqual([
        expect.objectContaining({
          id: request.headers['webhook-id'],
          status: 'succeeded',
          attempts: 1,
          lastStatusCode: 200,
          eventType: 'profile.updated',
        }),
      ]);
    });
    const listed = await api(server, 'GET', '/api/webhooks', { token: ann.token });
    expect(JSON.stringify(listed.json)).not.toContain(secret);
    const settings = await server.server.store.getDocument('settings', ann.userId);
    expect(settings?.data.webhooks).toEqual([
      {
        id: endpoint.id,
        url: hook.url,
        events: ['profile.updated'],
        createdAt: endpoint.createdAt,
        status: 'active',
      },
    ]);
    expect(JSON.stringify(settings?.data)).not.toContain(secret);
  });

  it('retries failed attempts with the same webhook-id until one succeeds', async () => {
    const server = await start();
    const hook = await receiver();
    hook.script = [500, 503];
    const bob = await server.createUser('bob');
    const { endpoint, secret } = await createEndpoint(server, bob, {
      url: hook.url,
      events: ['settings.updated'],
    });
    await pushOwnPatch(owner(server, bob), 'settings', () => ({ theme: 'dark' }));

    await eventually(() => {
      expect(hook.successes).toHaveLength(1);
    });
    expect(hook.received.map((r) => r.status)).toEqual([500, 503, 200]);
    const ids = new Set(hook.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const request of hook.received) {
      expect(verified(secret, request)).toMatchObject({
        type: 'settings.updated',
        data: { settings: { theme: 'dark' } },
      });
    }
    const [log] = await deliveries(server, bob, endpoint.id);
    expect(log).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    expect(JSON.parse(log?.payload ?? '{}')).toEqual(JSON.parse(hook.received[0]?.body ?? ''));
  });

  it('a restart in the middle of retrying delivers exactly once, with the same webhook-id', async () => {
    const server = await start({ WEBHOOK_RETRY_BASE_MS: '1500', WEBHOOK_RETRY_MAX_DELAY_MS: '3000' });
    const hook = await receiver();
    hook.script = [500];
    const cat = await server.createUser('cat');
    const { endpoint, secret } = await createEndpoint(server, cat, {
      url: hook.url,
      events: ['profile.updated'],
    });
    await pushOwnPatch(owner(server, cat), 'profiles', () => ({ headline: 'before the restart' }));
    await eventually(async () => {
      expect(hook.received).toHaveLength(1);
      expect(await deliveries(server, cat, endpoint.id)).toEqual([
        expect.objectContaining({ status: 'pending', attempts: 1, lastError: 'HTTP 500' }),
      ]);
    });

    // The next attempt is due 0.75–1.5 s later; the server restarts before that.
    await server.restart();
    expect(hook.received).toHaveLength(1);
    await eventually(() => {
      expect(hook.successes).toHaveLength(1);
    }, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hook.received.map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(verified(secret, hook.received[1])).toMatchObject({ type: 'profile.updated' });
    expect(await deliveries(server, cat, endpoint.id)).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 2 }),
    ]);
  });

  it('gives a delivery up after the retry period', async () => {
    const server = await start({ WEBHOOK_RETRY_FOR_MS: '600' });
    const hook = await receiver();
    hook.fallback = 500;
    const dan = await server.createUser('dan');
    const { endpoint } = await createEndpoint(server, dan, { url: hook.url, events: ['profile.updated'] });
    await pushOwnPatch(owner(server, dan), 'profiles', () => ({ pronouns: 'he/him' }));
    await eventually(async () => {
      expect(await deliveries(server, dan, endpoint.id)).toEqual([
        expect.objectContaining({ status: 'failed', lastStatusCode: 500, nextAttemptAt: null }),
      ]);
    });
    const attempts = hook.received.length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(hook.received).toHaveLength(attempts);
  });

  it('disables an endpoint that keeps failing, tells its owner, and can be enabled and resent', async () => {
    const server = await start({ WEBHOOK_DISABLE_AFTER_MS: '500' });
    const hook = await receiver();
    hook.fallback = 503;
    const eve = await server.createUser('eve');
    const { endpoint, secret } = await createEndpoint(server, eve, {
      url: hook.url,
      events: ['profile.updated'],
      description: 'CRM sync',
    });
    await pushOwnPatch(owner(server, eve), 'profiles', () => ({ bio: 'one' }));
    await eventually(async () => {
      const listed = await api(server, 'GET', '/api/webhooks', { token: eve.token });
      const endpoints = (listed.json as { endpoints: unknown[] }).endpoints.map((e) =>
        WebhookEndpoint.parse(e),
      );
      expect(endpoints).toEqual([expect.objectContaining({ id: endpoint.id, status: 'disabled' })]);
      expect(endpoints[0]?.disabledReason).toMatch(/failed/);
    });
    await eventually(async () => {
      expect(await mailsTo(server, eve.email, 'webhook-disabled')).toHaveLength(1);
    });
    expect((await server.server.store.getDocument('settings', eve.userId))?.data.webhooks).toEqual([
      expect.objectContaining({ id: endpoint.id, status: 'disabled' }),
    ]);
    const [failed] = await deliveries(server, eve, endpoint.id);
    expect(failed?.status).toMatch(/cancelled|failed/);

    // Disabled: nothing new is queued, and resend is refused.
    const before = hook.received.length;
    await pushOwnPatch(owner(server, eve), 'profiles', () => ({ bio: 'two' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(before);
    expect(await deliveries(server, eve, endpoint.id)).toHaveLength(1);
    expect(
      errorOf(
        await api(server, 'POST', '/api/webhooks/deliveries/resend', {
          token: eve.token,
          body: { deliveryId: failed?.id },
        }),
      ),
    ).toMatchObject({ status: 409 });

    // Enabled again, the logged event can be resent: same id, delivered.
    hook.fallback = 200;
    const enabled = await api(server, 'POST', '/api/webhooks/update', {
      token: eve.token,
      body: { endpointId: endpoint.id, enabled: true },
    });
    expect(enabled.json).toMatchObject({
      endpoint: { status: 'active', disabledReason: null, failingSince: null },
    });
    const resent = await api(server, 'POST', '/api/webhooks/deliveries/resend', {
      token: eve.token,
      body: { deliveryId: failed?.id },
    });
    expect(resent.status).toBe(202);
    await eventually(() => {
      expect(hook.successes).toHaveLength(1);
    });
    expect(hook.successes[0]?.headers['webhook-id']).toBe(failed?.id);
    expect(verified(secret, hook.successes[0])).toMatchObject({ data: { profile: { bio: 'one' } } });
  });

  it('sends a test event on request and deletes an endpoint with its log', async () => {
    const server = await start();
    const hook = await receiver();
    const fay = await server.createUser('fay');
    const { endpoint, secret } = await createEndpoint(server, fay, {
      url: hook.url,
      events: ['account.deleted'],
    });
    const queued = await api(server, 'POST', '/api/webhooks/test', {
      token: fay.token,
      body: { endpointId: endpoint.id },
    });
    expect(queued.status).toBe(202);
    await eventually(() => {
      expect(hook.received).toHaveLength(1);
    });
    expect(verified(secret, hook.received[0])).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id },
    });

    const stranger = await server.createUser('stranger');
    expect(
      errorOf(
        await api(server, 'GET', `/api/webhooks/deliveries?endpointId=${endpoint.id}`, {
          token: stranger.token,
        }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      errorOf(
        await api(server, 'POST', '/api/webhooks/delete', {
          token: stranger.token,
          body: { endpointId: endpoint.id },
        }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      (
        await api(server, 'POST', '/api/webhooks/delete', {
          token: fay.token,
          body: { endpointId: endpoint.id },
        })
      ).status,
    ).toBe(200);
    expect((await api(server, 'GET', '/api/webhooks', { token: fay.token })).json).toEqual({ endpoints: [] });
    expect((await server.server.store.getDocument('settings', fay.userId))?.data.webhooks).toEqual([]);
    expect(await server.server.store.webhooks.listDeliveries(endpoint.id, { limit: 10 })).toEqual([]);
  });

  it('reports account events: email changed and deletion scheduled', async () => {
    const server = await start();
    const hook = await receiver();
    const gus = await server.createUser('gus');
    const { secret } = await createEndpoint(server, gus, {
      url: hook.url,
      events: ['account.email_changed', 'account.deleted'],
    });
    await changeAccount(server.server.accounts, gus.userId, { email: 'gus.new@example.test' });
    await eventually(() => {
      expect(hook.received).toHaveLength(1);
    });
    expect(verified(secret, hook.received[0])).toMatchObject({
      type: 'account.email_changed',
      data: { userId: gus.userId, email: 'gus.new@example.test', previousEmail: gus.email.toLowerCase() },
    });
    const due = new Date(Date.now() + 86_400_000).toISOString();
    await changeAccount(server.server.accounts, gus.userId, {
      status: 'pending-deletion',
      deletionDueAt: due,
    });
    await eventually(() => {
      expect(hook.received).toHaveLength(2);
    });
    expect(verified(secret, hook.received[1])).toMatchObject({
      type: 'account.deleted',
      data: { userId: gus.userId, stage: 'scheduled', deletionDueAt: due },
    });
  });

  it('never sends a field above what the endpoint owner may read', async () => {
    const server = await start();
    const own = await receiver();
    const strangers = await receiver();
    const admins = await receiver();
    const hal = await server.createUser('hal');
    const ivy = await server.createUser('ivy');
    const root = await server.createUser('root', 'admin');
    const mine = await createEndpoint(server, hal, { url: own.url, events: ['profile.updated'] });
    await createEndpoint(server, ivy, {
      url: strangers.url,
      events: ['profile.updated', 'settings.updated'],
    });
    const all = await createEndpoint(server, root, {
      url: admins.url,
      events: ['profile.updated'],
      scope: 'all',
    });
    expect(
      errorOf(
        await api(server, 'POST', '/api/webhooks', {
          token: ivy.token,
          body: { url: strangers.url, events: ['profile.updated'], scope: 'all' },
        }),
      ),
    ).toMatchObject({ status: 403 });

    // A contacts-only field (time zone), an owner-only field (blocked) and a public one.
    const canary = 'Pacific/Chatham';
    await pushOwnPatch(owner(server, hal), 'profiles', (doc, stamp) => ({
      timeZone: canary,
      displayName: 'Hal Visible',
      blocked: putEntry(profileFields.blocked.schema.parse(doc.blocked), {
        id: ivy.userId,
        at: stamp(),
        removed: false,
      }),
    }));
    await eventually(() => {
      expect(own.received).toHaveLength(1);
      expect(admins.received.some((r) => r.body.includes(hal.userId))).toBe(true);
    });
    const ownPayload = verified(mine.secret, own.received[0]);
    expect([...(ownPayload.data.changedFields as string[])].sort()).toEqual(['displayName', 'timeZone']);
    expect(ownPayload.data.profile).toEqual({ displayName: 'Hal Visible', timeZone: canary });
    const adminRequest = admins.received.find((r) => r.body.includes(hal.userId));
    const adminPayload = verified(all.secret, adminRequest);
    expect(adminPayload.data.profile).toEqual({ displayName: 'Hal Visible', timeZone: canary });
    for (const request of [...own.received, ...admins.received]) {
      expect(request.body).not.toContain('blocked');
      expect(request.body).not.toContain(ivy.userId);
    }
    // A blocked-only change raises nothing at all.
    await pushOwnPatch(owner(server, hal), 'profiles', (doc, stamp) => ({
      blocked: putEntry(profileFields.blocked.schema.parse(doc.blocked), {
        id: root.userId,
        at: stamp(),
        removed: false,
      }),
    }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(own.received).toHaveLength(1);
    // Ivy may not see Hal's contacts-only field: her endpoint never hears of Hal at all.
    expect(strangers.received.filter((r) => r.body.includes(hal.userId) || r.body.includes(canary))).toEqual(
      [],
    );
  });

  it("falls silent about other accounts once an every-account endpoint's owner is no longer an administrator", async () => {
    const server = await start();
    const admins = await receiver();
    const kay = await server.createUser('kay');
    const ops = await server.createUser('ops', 'admin');
    // Another administrator, so the server lets the first one step down.
    await server.createUser('chief', 'admin');
    const all = await createEndpoint(server, ops, {
      url: admins.url,
      events: ['profile.updated'],
      scope: 'all',
    });
    await pushOwnPatch(owner(server, kay), 'profiles', () => ({ timeZone: 'Asia/Kathmandu' }));
    await eventually(() => {
      expect(admins.received.some((r) => r.body.includes(kay.userId))).toBe(true);
    });

    await changeRole(
      server.server.accounts,
      { actorId: null, via: 'cli' },
      ops.userId,
      'user',
      'left the ops team',
    );
    const heardBefore = admins.received.length;
    // Kay's contacts-only time zone is no business of a member who is not her contact.
    const canary = 'Pacific/Marquesas';
    await pushOwnPatch(owner(server, kay), 'profiles', () => ({ timeZone: canary, headline: 'after' }));
    // The endpoint still works for its owner's own events, which arrive after Kay's change.
    await pushOwnPatch(owner(server, ops), 'profiles', () => ({ headline: 'still here' }));
    await eventually(() => {
      expect(admins.received.some((r) => r.body.includes('still here'))).toBe(true);
    });
    // Nothing about Kay was even queued for it (so none can arrive late).
    const queued = await server.server.store.webhooks.listDeliveries(all.endpoint.id, { limit: 50 });
    expect(queued.filter((d) => d.subjectId === kay.userId)).toHaveLength(1);
    const since = admins.received.slice(heardBefore);
    expect(since.filter((r) => r.body.includes(kay.userId) || r.body.includes(canary))).toEqual([]);
    expect(verified(all.secret, since.at(-1))).toMatchObject({
      data: { userId: ops.userId, profile: { headline: 'still here' } },
    });
  });
});

describe.runIf(dialects.includes('postgres'))('webhook queue shared by two servers on PostgreSQL', () => {
  it('delivers every event exactly once when two workers claim from one queue', async () => {
    const first = await startTestServer({ dialect: 'postgres', env: FAST });
    const second = await startTestServer({ databaseUrl: first.databaseUrl, env: FAST });
    const hook = await new WebhookReceiver().start();
    try {
      const jon = await first.createUser('jon');
      const { endpoint } = await createOn(first, jon, hook.url);
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          api(i % 2 === 0 ? first : second, 'POST', '/api/webhooks/test', {
            token: jon.token,
            body: { endpointId: endpoint.id },
          }),
        ),
      );
      await eventually(() => {
        expect(hook.received).toHaveLength(24);
      }, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(hook.received).toHaveLength(24);
      expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(24);
    } finally {
      await hook.stop();
      await second.stop();
      await first.stop();
    }
  });

  async function createOn(server: TestServer, user: TestUser, url: string) {
    const response = await api(server, 'POST', '/api/webhooks', {
      token: user.token,
      body: { url, events: ['profile.updated'] },
    });
    expect(response.status).toBe(201);
    return response.json as { endpoint: { id: string } };
  }
});

describe('webhook retry schedule', () => {
  const schedule = { retryBaseMs: 5_000, retryMaxDelayMs: 3_600_000 };

  it('doubles per attempt between half and all of the ceiling, capped, and stops at the give-up time', () => {
    for (const [attempts, ceiling] of [
      [1, 5_000],
      [2, 10_000],
      [5, 80_000],
      [10, 2_560_000],
      [11, 3_600_000],
      [40, 3_600_000],
    ] as const) {
      expect(retryDelay(attempts, schedule, () => 0)).toBe(ceiling / 2);
      expect(retryDelay(attempts, schedule, () => 0.999_999)).toBeLessThanOrEqual(ceiling);
      expect(retryDelay(attempts, schedule, () => 0.999_999)).toBeGreaterThan(ceiling * 0.99);
    }
    expect(nextAttemptAt(1_000, 1, 100_000, schedule, () => 0)).toBe(3_500);
    expect(nextAttemptAt(99_000, 3, 100_000, schedule, () => 0)).toBe(100_000);
    expect(nextAttemptAt(100_000, 3, 100_000, schedule, () => 0)).toBeNull();
    // Over a day with the defaults: bounded, about thirty attempts.
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(now, attempts, 86_400_000, schedule);
      if (next === null) break;
      now = next;
    }
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(60);
  });
});
