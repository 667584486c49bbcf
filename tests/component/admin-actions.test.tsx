// @vitest-environment happy-dom
// Admin action forms: the reason is required and checked inline before anything is sent; a purge
// needs the email address repeated; the server's refusal shows in the form; and when the server
// asks for a recent sign-in, the console prompts for the password and then retries the action.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { adminRoutes, type AdminUserSummary } from '#shared/contract/admin';
import { authRoutes } from '#shared/contract/auth';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { AdminGateProvider } from '../../renderer/features/admin/admin-gate.tsx';
import { UserActions } from '../../renderer/features/admin/user-actions.tsx';
import { openTestRuntime, renderWith } from './harness.tsx';

const member: AdminUserSummary = {
  userId: '0b6f2a4e-8d1c-4e7a-9f3b-5c2d1e0a9b87',
  email: 'tom@example.test',
  displayName: 'Tom Kilburn',
  role: 'user',
  status: 'active',
  emailVerified: true,
  twoFactorEnabled: false,
  createdAt: '2026-01-02T03:04:05.000Z',
  deletionDueAt: null,
};

interface Sent {
  readonly path: string;
  readonly body: unknown;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake server: answers each request with the next reply for its path, and records what it got. */
function fakeServer(replies: Record<string, Response[]>) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    sent.push({ path, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    const reply = replies[path]?.shift();
    return Promise.resolve(reply ?? json(404, { error: { code: 'not_found', message: 'no reply' } }));
  };
  return { fetch, sent };
}

let runtime: AccountRuntime | undefined;

afterEach(async () => {
  cleanup();
  await runtime?.close();
  await runtime?.db.remove();
  runtime = undefined;
});

async function renderActions(user: AdminUserSummary, replies: Record<string, Response[]> = {}) {
  const server = fakeServer(replies);
  runtime = await openTestRuntime({}, {}, server.fetch);
  renderWith(
    runtime,
    <AdminGateProvider>
      <UserActions user={user} onChanged={() => undefined} />
    </AdminGateProvider>,
  );
  return server;
}

function errorOf(field: HTMLElement): string {
  return (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('admin action forms', () => {
  it('need a reason, shown inline, and send nothing without one', async () => {
    const user = userEvent.setup();
    const server = await renderActions(member);
    await user.click(screen.getByRole('button', { name: 'Suspend' }));
    const form = screen.getByRole('form', { name: 'Suspend' });
    await user.type(within(form).getByLabelText('Reason'), 'no');
    await user.click(within(form).getByRole('button', { name: 'Suspend' }));

    const reason = within(form).getByLabelText('Reason');
    await waitFor(() => {
      expect(reason.getAttribute('aria-invalid')).toBe('true');
    });
    expect(errorOf(reason)).toContain('give a reason (at least 3 characters)');
    expect(server.sent).toEqual([]);
  });

  it('purge only with the email address repeated, then says what happened', async () => {
    const user = userEvent.setup();
    const pending = {
      ...member,
      status: 'pending-deletion' as const,
      deletionDueAt: '2026-02-01T00:00:00.000Z',
    };
    const server = await renderActions(pending, {
      [adminRoutes.purge.path]: [
        json(200, { userId: member.userId, purged: true, message: 'Purged the account.' }),
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Purge now' }));
    const form = screen.getByRole('form', { name: 'Purge now' });
    await user.type(within(form).getByLabelText('Reason'), 'Asked by the owner to erase at once');
    const confirm = within(form).getByLabelText('Type the email address to confirm');
    await user.type(confirm, 'someone@example.test');
    await user.click(within(form).getByRole('button', { name: 'Purge now' }));
    await waitFor(() => {
      expect(errorOf(confirm)).toContain('type the account’s email address exactly');
    });
    expect(server.sent).toEqual([]);

    await user.clear(confirm);
    await user.type(confirm, member.email);
    await user.click(within(form).getByRole('button', { name: 'Purge now' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Purged the account.');
    expect(server.sent).toEqual([
      {
        path: adminRoutes.purge.path,
        body: {
          userId: member.userId,
          reason: 'Asked by the owner to erase at once',
          confirmEmail: member.email,
        },
      },
    ]);
  });

  it('show the server’s refusal in the form and keep it open', async () => {
    const user = userEvent.setup();
    await renderActions(member, {
      [adminRoutes.changeRole.path]: [
        json(409, { error: { code: 'conflict', message: 'This would leave no active administrator.' } }),
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Change role' }));
    const form = screen.getByRole('form', { name: 'Change role' });
    await user.selectOptions(within(form).getByLabelText('New role'), 'admin');
    await user.type(within(form).getByLabelText('Reason'), 'Joins the operations team');
    await user.click(within(form).getByRole('button', { name: 'Change role' }));
    expect(await within(form).findByRole('alert')).toHaveProperty(
      'textContent',
      'This would leave no active administrator.',
    );
    expect(within(form).getByLabelText<HTMLTextAreaElement>('Reason').value).toBe(
      'Joins the operations team',
    );
  });

  it('ask for the password when the server wants a recent sign-in, then retry', async () => {
    const user = userEvent.setup();
    const suspended = { ...member, status: 'suspended' as const };
    const server = await renderActions(member, {
      [adminRoutes.suspend.path]: [
        json(401, { error: { code: 'reauthentication_required', message: 'Confirm your password first.' } }),
        json(200, { user: suspended, message: 'Suspended tom@example.test.' }),
      ],
      [authRoutes.reauthenticate.path]: [json(200, { recentAuthUntil: '2026-01-02T03:14:05.000Z' })],
    });
    await user.click(screen.getByRole('button', { name: 'Suspend' }));
    const form = screen.getByRole('form', { name: 'Suspend' });
    await user.type(within(form).getByLabelText('Reason'), 'Spam reports');
    await user.click(within(form).getByRole('button', { name: 'Suspend' }));

    const prompt = await screen.findByRole('form', { name: 'Confirm it’s you' });
    await user.type(within(prompt).getByLabelText('Password'), 'correct horse battery staple');
    await user.click(within(prompt).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Suspended tom@example.test.')).toBeDefined();
    expect(server.sent.map((request) => request.path)).toEqual([
      adminRoutes.suspend.path,
      authRoutes.reauthenticate.path,
      adminRoutes.suspend.path,
    ]);
  });
});
