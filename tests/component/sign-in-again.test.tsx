// @vitest-environment happy-dom
// The "sign in again" notice: shown once the server has refused this device's sign-in while online,
// opening the sign-in on request, and not shown when the session was ended here on purpose.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { SignInAgainNotice } from '../../renderer/features/sync/sign-in-again.tsx';
import { openTestRuntime, renderWith } from './harness.tsx';

let runtime: AccountRuntime;

beforeEach(async () => {
  runtime = await openTestRuntime({ displayName: 'Ada' });
});

afterEach(async () => {
  cleanup();
  await runtime.close();
  await runtime.db.remove();
});

describe('sign in again notice', () => {
  it('appears when the sign-in has ended and opens the sign-in', async () => {
    let opened = 0;
    renderWith(
      runtime,
      <SignInAgainNotice
        onSignIn={() => {
          opened += 1;
        }}
      />,
    );
    expect(screen.queryByTestId('sign-in-again')).toBeNull();
    // No refresh token on this device: the session cannot be renewed.
    await runtime.session.refresh();
    const notice = await screen.findByTestId('sign-in-again');
    expect(notice.textContent).toContain('Sign in again to sync');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(opened).toBe(1);
  });

  it('goes away when this device ends the session on purpose', async () => {
    renderWith(runtime, <SignInAgainNotice onSignIn={() => undefined} />);
    await runtime.session.refresh();
    await screen.findByTestId('sign-in-again');
    runtime.session.endHere('Your account is scheduled for deletion.');
    await waitFor(() => {
      expect(screen.queryByTestId('sign-in-again')).toBeNull();
    });
    expect(runtime.sync.status$.value.session).toBe('expired');
  });
});
