// @vitest-environment happy-dom
// The webhook form checks its input with the contract's schema before anything is sent, shows the
// server's refusal next to the field it names, offers the `all` scope to administrators only, and
// shows the signing secret exactly once: copyable, then gone for good once dismissed.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import {
  CreateWebhookBody,
  UpdateWebhookBody,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '#shared/contract/webhooks';
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

/**
 * The webhook routes of a server, in memory: lists endpoints and a delivery log, creates (refusing
 * one host), and records the calls.
 */
function fakeServer(endpoints: WebhookEndpoint[] = [], deliveries: WebhookDelivery[] = []) {
  const requests: Request[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    requests.push({ method, path: url.pathname, body });
    if (url.origin === API_BASE && url.pathname === '/api/webhooks/deliveries') {
      const endpointId = url.searchParams.get('endpointId');
      return Promise.resolve(
        json(200, { deliveries: deliveries.filter((d) => d.endpointId === endpointId) }),
      );
    }
    if (url.origin === API_BASE && url.pathname === '/api/webhooks/update') {
      const change = UpdateWebhookBody.parse(body);
      const index = endpoints.findIndex((endpoint) => endpoint.id === change.endpointId);
      const current = endpoints[index];
      if (current === undefined)
        return Promise.resolve(json(404, { error: { code: 'not_found', message: 'No such webhook.' } }));
      const { endpointId: _id, enabled: _enabled, ...fields } = change;
      const endpoint = { ...current, ...fields };
      endpoints[index] = endpoint;
      return Promise.resolve(json(200, { endpoint }));
    }
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
    creates: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/api/webhooks').map((r) => r.body),
    updates: () => requests.filter((r) => r.path === '/api/webhooks/update').map((r) => r.body),
    lists: () => requests.filter((r) => r.method === 'GET' && r.path === '/api/webhooks').length,
  };
}

let runtime: AccountRuntime | undefined;

afterEach(async () => {
  cleanup();
  await runtime?.close();
  await runtime?.db.remove();
  runtime = undefined;
});

async function renderSection(role: 'user' | 'admin' = 'user', server = fakeServer()) {
  runtime = await openTestRuntime({}, {}, server.fetchImpl);
  await runtime.db.accounts.insert({ ...newDocument('account', USER_ID), email: 'me@example.test', role });
  renderWith(runtime, <WebhooksSection />);
  await screen.findByRole('heading', { name: 'Your webhooks' });
  await waitFor(() => {
    expect(screen.queryByText('Loading webhooks…')).toBeNull();
  });
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

describe('endpoint list and delivery log', () => {
  const base = {
    url: 'https://crm.example.com/hooks',
    events: ['profile.updated' as const],
    scope: 'own' as const,
    createdAt: '2026-11-20T09:00:00.000Z',
  };
  const failing: WebhookEndpoint = {
    ...base,
    id: 'ep_failing00000',
    description: 'CRM sync',
    status: 'active',
    disabledReason: null,
    failingSince: '2026-11-27T08:00:00.000Z',
  };
  const disabled: WebhookEndpoint = {
    ...base,
    id: 'ep_disabled0000',
    description: 'Old backup',
    status: 'disabled',
    disabledReason: 'failed for 5 days',
    failingSince: '2026-11-22T08:00:00.000Z',
  };
  const retrying: WebhookDelivery = {
    id: 'msg_retrying0000',
    endpointId: failing.id,
    eventType: 'profile.updated',
    subjectId: USER_ID,
    status: 'pending',
    attempts: 3,
    createdAt: '2026-11-27T08:00:00.000Z',
    lastAttemptAt: '2026-11-27T08:05:00.000Z',
    nextAttemptAt: '2026-11-27T08:25:00.000Z',
    deliveredAt: null,
    lastStatusCode: 503,
    lastError: 'HTTP 503',
    payload: JSON.stringify({ type: 'profile.updated', data: { changedFields: ['headline'] } }),
  };

  it('shows each status with its reason, and a log entry with its attempts, answer and error', async () => {
    const user = userEvent.setup();
    await renderSection('user', fakeServer([failing, disabled], [retrying]));
    const [first, second] = screen.getAllByTestId('webhook-endpoint');
    if (first === undefined || second === undefined) throw new Error('expected two endpoints');
    expect(within(first).getByText('Active')).toBeTruthy();
    expect(first.textContent).toMatch(/Failing since/);
    expect(within(second).getByText('Disabled')).toBeTruthy();
    expect(second.textContent).toContain('Disabled: failed for 5 days');
    expect(within(second).getByRole<HTMLButtonElement>('button', { name: 'Send test event' }).disabled).toBe(
      true,
    );
    expect(within(second).getByRole('button', { name: 'Enable' })).toBeTruthy();

    const toggle = within(first).getByRole('button', { name: 'Delivery log' });
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const entry = await within(first).findByTestId('webhook-delivery');
    expect(entry.getAttribute('data-status')).toBe('pending');
    expect(within(entry).getByText('Waiting to retry')).toBeTruthy();
    expect(within(entry).getByText('3')).toBeTruthy();
    expect(within(entry).getByText('HTTP 503', { selector: 'dd' })).toBeTruthy();
    expect(within(entry).getByText('Next attempt')).toBeTruthy();
    expect(within(entry).getByText('Last error')).toBeTruthy();
    expect(entry.textContent).toContain('webhook-id msg_retrying0000');
    expect(entry.querySelector('pre')?.textContent).toContain('"changedFields"');
  });
});

describe('changing a webhook', () => {
  const endpoint: WebhookEndpoint = {
    id: 'ep_changeme0000',
    url: 'https://crm.example.com/hooks',
    description: 'CRM sync',
    events: ['profile.updated'],
    scope: 'own',
    status: 'active',
    disabledReason: null,
    createdAt: '2026-11-20T09:00:00.000Z',
    failingSince: null,
  };

  it('edits address, description and events in place with the same checks as creating', async () => {
    const user = userEvent.setup();
    const server = await renderSection('user', fakeServer([{ ...endpoint }]));
    const item = within(screen.getByTestId('webhook-endpoint'));
    await user.click(item.getByRole('button', { name: 'Change' }));
    const edit = within(item.getByRole('form', { name: `Change webhook ${endpoint.url}` }));
    expect(edit.getByLabelText<HTMLInputElement>('Description').value).toBe('CRM sync');

    await user.click(edit.getByRole('checkbox', { name: /Profile changed/ }));
    await user.click(edit.getByRole('button', { name: 'Save changes' }));
    expect(await edit.findByText('choose at least one event')).toBeTruthy();
    expect(server.updates()).toEqual([]);

    await user.click(edit.getByRole('checkbox', { name: /Settings changed/ }));
    await user.clear(edit.getByLabelText('Description'));
    await user.type(edit.getByLabelText('Description'), 'CRM settings sync');
    await user.click(edit.getByRole('button', { name: 'Save changes' }));
    expect(await item.findByText('Changes saved.')).toBeTruthy();
    expect(server.updates()).toEqual([
      {
        endpointId: endpoint.id,
        url: endpoint.url,
        description: 'CRM settings sync',
        events: ['settings.updated'],
      },
    ]);
    expect(item.queryByRole('form')).toBeNull();
    expect(await item.findByText('CRM settings sync')).toBeTruthy();
    expect(item.getByText('Settings changed')).toBeTruthy();
  });
});

describe('offline', () => {
  it('lists the webhooks last synced to this device, read-only', async () => {
    runtime = await openTestRuntime(
      {},
      {
        webhooks: [
          {
            id: 'ep_synced000000',
            url: 'https://crm.example.com/hooks',
            events: ['profile.updated', 'account.deleted'],
            createdAt: '2026-11-20T09:00:00.000Z',
            status: 'disabled',
          },
        ],
      },
    );
    renderWith(runtime, <WebhooksSection />);
    const card = within(await screen.findByRole('region', { name: 'Your webhooks' }));
    expect(await card.findByText(/Offline: showing the webhooks last synced to this device/)).toBeTruthy();
    expect(card.getByText('https://crm.example.com/hooks')).toBeTruthy();
    expect(card.getByText('Disabled')).toBeTruthy();
    expect(card.getByText(/Profile changed, Account deletion/)).toBeTruthy();
    expect(card.queryByRole('button')).toBeNull();
  });
});
