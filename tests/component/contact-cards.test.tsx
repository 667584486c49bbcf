// @vitest-environment happy-dom
// Contact details in the profile: a phone number is stored in E.164 however it was typed (national
// numbers read in the profile's region), an invalid one is refused inline, and the verify action
// says why a code cannot be entered and shows the server's verdict on a wrong one.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ContactVerification } from '#shared/contract/contact';
import { HybridClock } from '#shared/hlc';
import type { ProfileDoc } from '#shared/policy/table';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { plain } from '../../renderer/db/documents.ts';
import { ContactInfoCard } from '../../renderer/features/profile/contact-cards.tsx';
import { API_BASE, openTestRuntime, renderWith, USER_ID } from './harness.tsx';

const clock = new HybridClock('component_test');

function email(id: string, address: string) {
  return {
    id,
    at: clock.now(),
    removed: false,
    value: { address, label: '', verified: false, primary: false },
  };
}

function state(entryId: string, address: string, value: ContactVerification['state']): ContactVerification {
  return {
    kind: 'email',
    entryId,
    address,
    state: value,
    primary: false,
    codeSentAt: null,
    expiresAt: null,
    attemptsLeft: value === 'code_used_up' ? 0 : 5,
    resendAvailableAt: null,
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The contact routes of a server: fixed verification states; every code is wrong. */
function contactServer(verifications: ContactVerification[]) {
  const verifyBodies: unknown[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === API_BASE && url.pathname === '/api/contact/verifications') {
      return Promise.resolve(json(200, { verifications }));
    }
    if (url.origin === API_BASE && url.pathname === '/api/contact/verify') {
      verifyBodies.push(typeof init?.body === 'string' ? JSON.parse(init.body) : undefined);
      return Promise.resolve(
        json(400, { error: { code: 'code_invalid', message: 'That code is not right; 4 tries left.' } }),
      );
    }
    return Promise.reject(new TypeError('offline'));
  };
  return { fetchImpl, verifyBodies };
}

let runtime: AccountRuntime | undefined;

afterEach(async () => {
  cleanup();
  await runtime?.close();
  await runtime?.db.remove();
  runtime = undefined;
});

async function profile(): Promise<ProfileDoc> {
  const doc = await runtime?.db.profiles.findOne(USER_ID).exec();
  if (doc === null || doc === undefined) throw new Error('no profile');
  return plain(doc);
}

describe('phone numbers', () => {
  it('stores what people type in E.164, reading national numbers in the profile region', async () => {
    const user = userEvent.setup();
    runtime = await openTestRuntime({ locale: 'de-DE' }, {}, contactServer([]).fetchImpl);
    renderWith(runtime, <ContactInfoCard profile={await profile()} />);

    await user.click(screen.getByRole('button', { name: 'Add phone number' }));
    const form = within(screen.getByRole('form', { name: 'New phone number' }));
    expect(form.getByText('With + and the country code, or as a number in DE.')).toBeTruthy();
    await user.type(form.getByLabelText('Phone number'), '030 123456');
    await user.type(form.getByLabelText('Label'), 'desk');
    await user.click(form.getByRole('button', { name: 'Add phone number' }));
    await waitFor(async () => {
      expect((await profile()).phones).toEqual([
        expect.objectContaining({
          removed: false,
          value: { number: '+4930123456', label: 'desk', verified: false },
        }),
      ]);
    });
  });

  it('refuses a number that is not one, next to the field, and stores nothing', async () => {
    const user = userEvent.setup();
    runtime = await openTestRuntime({}, {}, contactServer([]).fetchImpl);
    renderWith(runtime, <ContactInfoCard profile={await profile()} />);

    await user.click(screen.getByRole('button', { name: 'Add phone number' }));
    const form = within(screen.getByRole('form', { name: 'New phone number' }));
    await user.type(form.getByLabelText('Phone number'), '+1 000 0000');
    await user.click(form.getByRole('button', { name: 'Add phone number' }));
    expect(await form.findByText('this is not a valid phone number')).toBeTruthy();
    expect((await profile()).phones).toEqual([]);
  });
});

describe('verify action', () => {
  it('says why no code can be entered, and shows a wrong code next to the field', async () => {
    const user = userEvent.setup();
    const server = contactServer([
      state('old', 'old@example.test', 'code_expired'),
      state('taken', 'taken@example.test', 'in_use_elsewhere'),
    ]);
    runtime = await openTestRuntime(
      { emails: [email('old', 'old@example.test'), email('taken', 'taken@example.test')] },
      {},
      server.fetchImpl,
    );
    renderWith(runtime, <ContactInfoCard profile={await profile()} />);

    expect(await screen.findByText('Verified on another account')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Verify taken@example.test' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Verify old@example.test' }));
    const form = within(screen.getByRole('form', { name: 'Verify old@example.test' }));
    expect(await form.findByText('The code has expired: send a new one.')).toBeTruthy();

    await user.type(form.getByLabelText('Code sent to old@example.test'), '123456');
    await user.click(form.getByRole('button', { name: 'Confirm' }));
    expect(await form.findByText('That code is not right; 4 tries left.')).toBeTruthy();
    expect(server.verifyBodies).toEqual([{ kind: 'email', entryId: 'old', code: '123456' }]);
  });
});
