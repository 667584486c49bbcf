// @vitest-environment happy-dom
// Profile forms validate with the policy's zod schemas, show the message next to the field, keep
// everything typed when validation fails, and save only what changed, stamped with a clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ProfileDoc } from '#shared/policy/table';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { plain } from '../../renderer/db/documents.ts';
import { PersonalInfoCard } from '../../renderer/features/profile/personal-form.tsx';
import { openTestRuntime, renderWith, USER_ID } from './harness.tsx';

let runtime: AccountRuntime;

async function profile(): Promise<ProfileDoc> {
  const doc = await runtime.db.profiles.findOne(USER_ID).exec();
  if (doc === null) throw new Error('no profile');
  return plain(doc);
}

beforeEach(async () => {
  runtime = await openTestRuntime({ displayName: 'Ada' });
});

afterEach(async () => {
  cleanup();
  await runtime.close();
  await runtime.db.remove();
});

describe('personal information form', () => {
  it('reports an invalid value inline and loses nothing', async () => {
    const user = userEvent.setup();
    renderWith(runtime, <PersonalInfoCard profile={await profile()} />);
    await user.type(screen.getByLabelText('Pronouns'), 'she/her');
    await user.type(screen.getByLabelText('Locale'), 'not a tag!!');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const locale = screen.getByLabelText('Locale');
    await waitFor(() => {
      expect(locale.getAttribute('aria-invalid')).toBe('true');
    });
    const describedBy = locale.getAttribute('aria-describedby') ?? '';
    const message = describedBy
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    expect(message).toContain('expected a language tag such as en or pt-BR');
    expect(screen.getByLabelText<HTMLInputElement>('Pronouns').value).toBe('she/her');
    expect((await profile()).pronouns).toBe('');
  });

  it('saves the changed fields with fresh clocks and leaves the rest alone', async () => {
    const user = userEvent.setup();
    const before = await profile();
    renderWith(runtime, <PersonalInfoCard profile={before} />);
    await user.type(screen.getByLabelText('Pronouns'), 'she/her');
    await user.type(screen.getByLabelText('Locale'), 'en-GB');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved on this device');

    const after = await profile();
    expect(after.pronouns).toBe('she/her');
    expect(after.locale).toBe('en-GB');
    expect(after.clocks.pronouns).toBeDefined();
    expect(after.clocks.locale).toBeDefined();
    expect(after.clocks.displayName).toBe(before.clocks.displayName);
  });
});
