// Webhook deliveries survive a crash: the real server as a child process is SIGKILLed (no shutdown,
// no flush) while a delivery waits for its retry, then started again on the same storage. The
// queue lives in the database, so the delivery is attempted again and succeeds exactly once, with
// the webhook-id and signature of the first attempt. SQLite and PostgreSQL.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDelivery, WebhookEndpoint, WebhookPayload, WebhookSecret } from '#shared/contract/webhooks';
import { ChildServer, freePort } from '../helpers/child-server.ts';
import { eventually } from '../helpers/device.ts';
import { pushOwnPatch } from '../helpers/owner-api.ts';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.ts';
import { api, startTestServer, type Dialect } from '../helpers/server.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** Loopback receiver allowed; the retry after the first failure is due 2–4 s later. */
const RETRY_LATER = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_BASE_MS: '4000',
  WEBHOOK_RETRY_MAX_DELAY_MS: '8000',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '3000',
} as const;

describe.each(dialects)('webhook deliveries through a SIGKILL on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a delivery waiting for its retry is sent once after the restart, with the same webhook-id', async () => {
    const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    if (database !== undefined) cleanups.push(database.drop);
    // Accounts are made in process (no mail round trip), then the storage is handed to a child.
    const setup = await startTestServer(database === undefined ? {} : { databaseUrl: database.url });
    cleanups.push(() => setup.stop());
    const lee = await setup.createUser('lee');
    await setup.server.shutdown();
    const child = new ChildServer({
      port: await freePort(),
      dataDir: setup.dataDir,
      databaseUrl: database?.url,
      env: RETRY_LATER,
    });
    cleanups.push(() => child.kill());
    const hook = await new WebhookReceiver().start();
    cleanups.push(() => hook.stop());
    hook.script = [500];
    await child.start();

    const created = await api(child, 'POST', '/api/webhooks', {
      token: lee.token,
      body: { url: hook.url, events: ['profile.updated'] },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { endpoint, secret } = created.json as { endpoint: unknown; secret: unknown };
    const endpointId = WebhookEndpoint.parse(endpoint).id;
    const log = async () => {
      const response = await api(child, 'GET', `/api/webhooks/deliveries?endpointId=${endpointId}`, {
        token: lee.token,
      });
      return (response.json as { deliveries: unknown[] }).deliveries.map((d) => WebhookDelivery.parse(d));
    };

    await pushOwnPatch({ baseUrl: child.url, token: lee.token }, 'profiles', () => ({
      headline: 'before the crash',
    }));
    await eventually(async () => {
      expect(hook.received).toHaveLength(1);
      expect(await log()).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);
    });

    await child.kill('SIGKILL');
    expect(hook.received).toHaveLength(1);
    await child.start();
    await eventually(() => {
      expect(hook.successes).toHaveLength(1);
    }, 20_000);
    // Give a second, wrongful attempt time to show up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(hook.received.map((r) => r.status)).toEqual([500, 200]);
    const [first, second] = hook.received;
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    const payload = WebhookPayload.parse(
      new Webhook(WebhookSecret.parse(secret)).verify(second?.body ?? '', second?.headers ?? {}),
    );
    expect(payload).toMatchObject({
      type: 'profile.updated',
      data: { profile: { headline: 'before the crash' } },
    });
    expect(second?.body).toBe(first?.body);
    expect(await log()).toEqual([
      expect.objectContaining({
        id: first?.headers['webhook-id'],
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
      }),
    ]);
  }, 90_000);
});
