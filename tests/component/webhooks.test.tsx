// @vitest-environment happy-dom
// The webhook form checks its input with the contract's schema before anything is sent, shows the
// server's refusal next to the field it names, offers the `all` scope to administrators only, and
// shows the signing secret exactly once: copyable, then gone for good once dismissed.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { CreateWebhookBody, type WebhookEndpoint } from '#shared/contract/webhooks';
import { newDocument } from '#shared/policy/table';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { WebhooksSection } from '../../renderer/features/settings/webhooks/webhooks-section.tsx';
import { API_BASE, openTestRuntime, renderWith, USER_ID } from './harness.tsx';

const SECRET = `whsec_${'A'.repeat(42)}Q=`;
const REFUSED_HOST = 'intranet.example.test';

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The webhook routes of a server, in memory: lists, creates (refusing one host), records calls. */
function fakeServer() {
  const requests: Request[] = [];
  const endpoints: WebhookEndpoint[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    requests.push({ method, path: url.pathname, body });
    if (url.origin !== API_BASE || url.pathname !== '/api/webhooks') {
      return Promise.reject(new TypeError('offline'));
    }
    if (method === 'GET') return Promise.resolve(json(200, { endpoints }));
    const values = CreateWebhookBody.parse(body);
    if (new URL(values.url).hostname === REFUSED_HOST) {
      return Promise.resolve(
        json(400, {
          error: {
            code: 'invalid_value',
            message: 'This address cannot receive webhooks: a private network address.',
            field: 'url',
          },
        }),
      );
    }
    const endpoint: WebhookEndpoint = {
      id: `ep_${String(endpoints.length).padStart(12, '0')}`,
      ...values,
      status: 'active',
      disabledReason: null,
      createdAt: '2026-11-27T10:00:00.000Z',
      failingSince: null,
    };
    endpoints.push(endpoint);
    return Promise.resolve(json(201, { endpoint, secret: SECRET }));
  };
  return {
    fetchImpl,
    creates: () => requests.filter((r) => r.method === 'POST').map((r) => r.body),
    lists: () => requests.filter((r) => r.method === 'GET').length,
  };
}

let runtime: AccountRuntime | undefined;

afterEach(async () => {
  cleanup();
  await runtime?.close();
  await runtime?.db.remove();
  runtime = undefined;
});

async function renderSection(role: 'user' | 'admin' = 'user') {
  const server = fakeServer();
  runtime = await openTestRuntime({}, {}, server.fetchImpl);
  await runtime.db.accounts.insert({ ...newDocument('account', USER_ID), email: 'me@example.test', role });
  renderWith(runtime, <WebhooksSection />);
  await screen.findByText('No webhooks');
  return server;
}

function form() {
  return within(screen.getByRole('form', { name: 'New webhook' }));
}

function errorTextOf(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('new webhook form', () => {
  it('reports a bad address and no chosen event inline, and sends nothing', async () => {
    const user = userEvent.setup();
    const server = await renderSection();
    await user.type(form().getByLabelText('Endpoint address'), 'hooks.example.com/accord');
    await user.click(form().getByRole('checkbox', { name: /Profile changed/ }));
    await user.click(form().getByRole('button', { name: 'Create webhook' }));

    const address = form().getByLabelText('Endpoint address');
    await waitFor(() => {
      expect(address.getAttribute('aria-invalid')).toBe('true');
    });
    expect(errorTextOf(address)).toContain('enter a web address starting with https://');
    expect(form().getByText('choose at least one event')).toBeTruthy();
    expect(server.creates()).toEqual([]);
  });

  it('shows the field the server refused next to it', async () => {
    const user = userEvent.setup();
    await renderSection();
    await user.type(form().getByLabelText('Endpoint address'), `https://${REFUSED_HOST}/hook`);
    await user.click(form().getByRole('button', { name: 'Create webhook' }));

    const address = form().getByLabelText('Endpoint address');
    await waitFor(() => {
      expect(errorTextOf(address)).toContain('cannot receive webhooks: a private network address');
    });
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
  });

  it('offers the events of every account to administrators only', async () => {
    await renderSection('user');
    expect(form().queryByRole('radio', { name: /Every account/ })).toBeNull();
    expect(form().getByRole('checkbox', { name: /Profile changed/ })).toBeTruthy();
    cleanup();
    await runtime?.close();
    await runtime?.db.remove();

    const user = userEvent.setup();
    const admin = await renderSection('admin');
    await user.type(form().getByLabelText('Endpoint address'), 'https://hooks.example.com/all');
    await user.click(await form().findByRole('radio', { name: /Every account/ }));
    await user.click(form().getByRole('button', { name: 'Create webhook' }));
    await screen.findByTestId('webhook-secret');
    expect(admin.creates()).toEqual([expect.objectContaining({ scope: 'all' })]);
  });
});

describe('the signing secret', () => {
  it('is shown once after creating, can be copied, and is gone for good when dismissed', async () => {
    const user = userEvent.setup();
    const server = await renderSection();
    await user.type(form().getByLabelText('Endpoint address'), 'https://hooks.example.com/accord');
    await user.type(form().getByLabelText('Description'), 'CRM sync');
    await user.click(form().getByRole('checkbox', { name: /Settings changed/ }));
    await user.click(form().getByRole('button', { name: 'Create webhook' }));

    expect(await screen.findByTestId('webhook-secret')).toHaveProperty('textContent', SECRET);
    expect(server.creates()).toEqual([
      {
        url: 'https://hooks.example.com/accord',
        description: 'CRM sync',
        events: ['profile.updated', 'settings.updated'],
        scope: 'own',
      },
    ]);
    expect(screen.getByText(/you won’t see it again/)).toBeTruthy();
    const copy = screen.getByRole('button', { name: 'Copy secret' });
    expect(document.activeElement).toBe(copy);
    await user.click(copy);
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(screen.getByText('Copied to the clipboard.')).toBeTruthy();

    // The list is loaded again and shows the endpoint, never the secret.
    const endpoint = await screen.findByTestId('webhook-endpoint');
    expect(within(endpoint).getByText('CRM sync')).toBeTruthy();
    expect(endpoint.textContent).not.toContain(SECRET);
    expect(server.lists()).toBe(2);
    expect(form().getByLabelText<HTMLInputElement>('Endpoint address').value).toBe('');

    await user.click(screen.getByRole('button', { name: 'I’ve saved it' }));
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    expect(screen.getByTestId('webhook-endpoint')).toBeTruthy();
  });
});
