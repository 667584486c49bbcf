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
import type { AnyDoc } from '#shared/policy/table';
import { openStore } from '../../sync-server/storage/open-store.ts';
import type { JournaledWrite } from '../../sync-server/storage/store.ts';
import { fanOut } from '../../sync-server/webhooks/fan-out.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** Loopback receiver allowed; the retry after the first failure is due 2–4 s later. */
const RETRY_LATER = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_BASE_MS: '4000',
  WEBHOOK_RETRY_MAX_DELAY_MS: '8000',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '3000',
} as const;

/** Registers an endpoint for `profile.updated`; returns its id and its secret (shown once). */
async function subscribe(server: { url: string }, token: string, url: string) {
  const created = await api(server, 'POST', '/api/webhooks', {
    token,
    body: { url, events: ['profile.updated'] },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const { endpoint, secret } = created.json as { endpoint: unknown; secret: unknown };
  return { endpointId: WebhookEndpoint.parse(endpoint).id, secret };
}

describe.each(dialects)('webhook deliveries through a SIGKILL on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The real server as a child process on the storage an in-process server set up (not started). */
  async function childOn(dataDir: string, databaseUrl: string | undefined): Promise<ChildServer> {
    const child = new ChildServer({ port: await freePort(), dataDir, databaseUrl, env: RETRY_LATER });
    cleanups.push(() => child.kill());
    return child;
  }

  it('a delivery waiting for its retry is sent once after the restart, with the same webhook-id', async () => {
    const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    if (database !== undefined) cleanups.push(database.drop);
    // Accounts are made in process (no mail round trip), then the storage is handed to a child.
    const setup = await startTestServer(database === undefined ? {} : { databaseUrl: database.url });
    cleanups.push(() => setup.stop());
    const lee = await setup.createUser('lee');
    await setup.server.shutdown();
    const child = await childOn(setup.dataDir, database?.url);
    const hook = await new WebhookReceiver().start();
    cleanups.push(() => hook.stop());
    hook.script = [500];
    await child.start();

    const { endpointId, secret } = await subscribe(child, lee.token, hook.url);
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

  it('a write committed just before a crash, whose fan-out never ran, is delivered after the restart', async () => {
    const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    if (database !== undefined) cleanups.push(database.drop);
    const setup = await startTestServer({
      env: RETRY_LATER,
      ...(database === undefined ? {} : { databaseUrl: database.url }),
    });
    cleanups.push(() => setup.stop());
    const hook = await new WebhookReceiver().start();
    cleanups.push(() => hook.stop());
    const kim = await setup.createUser('kim');
    const { endpointId, secret } = await subscribe(setup, kim.token, hook.url);
    await setup.server.shutdown();

    // The write commits through the store alone: no server is left to fan it out, as when the
    // process dies between the commit and the fan-out.
    const store = await openStore({ dataDir: setup.dataDir, databaseUrl: database?.url });
    await store.writeDocument('profiles', kim.userId, (current) => {
      if (current === undefined) throw new Error('kim has no profile');
      const data = { ...current.data, headline: 'committed, then the crash' } as AnyDoc;
      return { write: { data, deleted: false, ownerId: kim.userId }, result: undefined };
    });
    // And a fan-out that died after queueing, before removing the entry, ran twice already: the
    // restarted server fans it out a third time, and each delivery must still be queued once.
    const journal = await store.webhooks.journaledWrites(10);
    expect(journal).toHaveLength(1);
    const rethrow = (error: unknown) => {
      throw error;
    };
    for (let run = 0; run < 2; run += 1) {
      const deps = { store, now: Date.now, retryForMs: 60_000, onError: rethrow };
      expect(await fanOut(deps, journal[0] as JournaledWrite)).toBe(1);
    }
    await store.close();
    expect(hook.received).toHaveLength(0);

    const child = await childOn(setup.dataDir, database?.url);
    await child.start();
    await eventually(() => {
      expect(hook.successes).toHaveLength(1);
    }, 20_000);
    const payload = WebhookPayload.parse(
      new Webhook(WebhookSecret.parse(secret)).verify(
        hook.received[0]?.body ?? '',
        hook.received[0]?.headers ?? {},
      ),
    );
    expect(payload).toMatchObject({
      type: 'profile.updated',
      data: { changedFields: ['headline'], profile: { headline: 'committed, then the crash' } },
    });

    // Started again, the server finds nothing left to send: the entry was fanned out once.
    await child.kill('SIGTERM');
    await child.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(hook.received).toHaveLength(1);
    const deliveries = await api(child, 'GET', `/api/webhooks/deliveries?endpointId=${endpointId}`, {
      token: kim.token,
    });
    expect((deliveries.json as { deliveries: unknown[] }).deliveries).toHaveLength(1);
  }, 90_000);
});
