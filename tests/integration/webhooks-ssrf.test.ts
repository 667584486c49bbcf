// The SSRF guard: by default no webhook may reach a private, loopback or link-local address, by
// IP literal or by a name resolving to one; every resolved address counts; and the connection is
// pinned to the address that was checked. All traffic here stays on loopback: every address below
// that is not loopback is refused before any connection, and the "public" ones are never dialled.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDelivery } from '#shared/contract/webhooks';
import { checkTarget, classifyAddress, type Resolver } from '../../sync-server/webhooks/address-guard.ts';
import { postPinned } from '../../sync-server/webhooks/http-post.ts';
import { eventually } from '../helpers/device.ts';
import { pushOwnPatch } from '../helpers/owner-api.ts';
import { api, errorOf, startTestServer, type TestServer } from '../helpers/server.ts';

/** A loopback listener that records every TCP connection and request that reaches it. */
async function listener() {
  const connections: Socket[] = [];
  const requests: { host: string | undefined; path: string | undefined; body: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        host: request.headers.host,
        path: request.url,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(204).end();
    });
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    connections,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

const fixed =
  (answers: Record<string, string[]>): Resolver =>
  (hostname) => {
    const addresses = answers[hostname];
    if (addresses === undefined) return Promise.reject(new Error(`ENOTFOUND ${hostname}`));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };

describe('webhook SSRF guard (default configuration)', () => {
  let server: TestServer;
  let target: Awaited<ReturnType<typeof listener>>;
  beforeAll(async () => {
    server = await startTestServer();
    target = await listener();
  });
  afterAll(async () => {
    await target.stop();
    await server.stop();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://127.8.9.10/hook',
    'https://10.0.0.1/hook',
    'https://172.16.5.4/hook',
    'https://172.31.255.255/hook',
    'https://192.168.1.20/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/hook',
    'https://[fc00::1]/hook',
    'https://[fd12:3456::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://0.0.0.0/hook',
    'https://0x7f000001/hook',
    'https://localhost/hook',
    'http://example.com/hook',
  ])('refuses to register %s', async (url) => {
    const ann = await server.createUser('ann');
    const response = await api(server, 'POST', '/api/webhooks', {
      token: ann.token,
      body: { url, events: ['profile.updated'] },
    });
    expect(errorOf(response)).toMatchObject({ status: 400, field: 'url' });
  });

  it('refuses at delivery time an endpoint that resolves to loopback, without connecting', async () => {
    const bob = await server.createUser('bob');
    // As if the name had resolved to a public address when it was registered and to loopback now.
    const at = new Date().toISOString();
    for (const [id, url] of [
      ['ep_rebound_localhost', `https://localhost:${target.port}/hook`],
      ['ep_rebound_literal01', `https://127.0.0.1:${target.port}/hook`],
    ] as const) {
      await server.server.store.webhooks.createEndpoint({
        id,
        ownerId: bob.userId,
        scope: 'own',
        url,
        description: '',
        events: ['profile.updated'],
        secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
        status: 'active',
        disabledReason: null,
        failingSince: null,
        createdAt: at,
        updatedAt: at,
      });
    }
    await pushOwnPatch({ baseUrl: server.url, token: bob.token }, 'profiles', () => ({ bio: 'hello' }));
    for (const id of ['ep_rebound_localhost', 'ep_rebound_literal01']) {
      await eventually(async () => {
        const response = await api(server, 'GET', `/api/webhooks/deliveries?endpointId=${id}`, {
          token: bob.token,
        });
        const [delivery] = (response.json as { deliveries: unknown[] }).deliveries.map((d) =>
          WebhookDelivery.parse(d),
        );
        expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
        expect(delivery?.lastError).toMatch(/^refused: .*loopback/);
      });
    }
    expect(target.connections).toHaveLength(0);
  });
});

describe('webhook address checks', () => {
  const closed = { allowPrivateNetworks: false };
  const open = { allowPrivateNetworks: true };

  it('classifies IPv4 and IPv6 ranges, unwrapping IPv4 inside IPv6', () => {
    const expected: Record<string, string> = {
      '93.184.216.34': 'public',
      '10.255.0.1': 'private',
      '172.15.0.1': 'public',
      '172.16.0.1': 'private',
      '172.32.0.1': 'public',
      '192.168.0.1': 'private',
      '127.0.0.53': 'private',
      '169.254.0.1': 'private',
      '100.100.0.1': 'private',
      '0.0.0.0': 'forbidden',
      '224.0.0.251': 'forbidden',
      '255.255.255.255': 'forbidden',
      '2606:4700:4700::1111': 'public',
      '::1': 'private',
      '::': 'forbidden',
      'fc00::': 'private',
      'fdff:ffff::1': 'private',
      'fe80::abcd': 'private',
      'febf:ffff::1': 'private',
      'ff02::1': 'forbidden',
      '::ffff:192.168.0.1': 'private',
      '::ffff:5db8:d822': 'public',
      '64:ff9b::7f00:1': 'private',
      '2002:a9fe:a9fe::1': 'private',
      '2001:db8::1': 'forbidden',
    };
    for (const [address, cls] of Object.entries(expected))
      expect([address, classifyAddress(address)]).toEqual([address, cls]);
  });

  it('checks every address a name resolves to', async () => {
    const resolve = fixed({
      'rebind.example': ['93.184.216.34', '10.0.0.7'],
      'six.example': ['2606:4700:4700::1111', 'fe80::1'],
      'mapped.example': ['::ffff:169.254.169.254'],
      'fine.example': ['93.184.216.34', '2606:4700:4700::1111'],
    });
    for (const host of ['rebind.example', 'six.example', 'mapped.example']) {
      expect(await checkTarget(`https://${host}/hook`, closed, resolve)).toMatchObject({
        ok: false,
        retryable: false,
      });
    }
    expect(await checkTarget('https://fine.example/hook', closed, resolve)).toMatchObject({
      ok: true,
      target: { hostname: 'fine.example', address: '93.184.216.34', family: 4 },
    });
    expect(await checkTarget('https://gone.example/hook', closed, resolve)).toMatchObject({
      ok: false,
      retryable: true,
    });
    // Opened for development: private ranges and plain http to them, never to a public address.
    expect(await checkTarget('http://rebind.example/hook', open, resolve)).toMatchObject({ ok: false });
    expect(await checkTarget('http://127.0.0.1:9/hook', open, resolve)).toMatchObject({ ok: true });
    expect(await checkTarget('https://[ff02::1]/hook', open, resolve)).toMatchObject({ ok: false });
  });

  it('pins the connection to the checked address instead of resolving the name again', async () => {
    const target = await listener();
    try {
      // `.test` names never resolve; the request can only arrive through the pinned address.
      const resolve = fixed({ 'hooks.accord.test': ['127.0.0.1'] });
      const checked = await checkTarget(`http://hooks.accord.test:${target.port}/in?x=1`, open, resolve);
      if (!checked.ok) throw new Error(checked.reason);
      const result = await postPinned(checked.target, { 'webhook-id': 'msg_pinnedpinned' }, '{"a":1}', 2000);
      expect(result).toEqual({ ok: true, status: 204 });
      expect(target.requests).toEqual([
        { host: `hooks.accord.test:${target.port}`, path: '/in?x=1', body: '{"a":1}' },
      ]);
    } finally {
      await target.stop();
    }
  });
});
