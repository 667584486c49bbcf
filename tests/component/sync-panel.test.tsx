// @vitest-environment happy-dom
// The sync panel shows unsent changes, conflict decisions (both values, who won, why) and rejected
// edits with "edit again" and "dismiss".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { editOwnDoc } from '../../renderer/db/documents.ts';
import { conflictLog, masterStates, rejectionLog } from '../../renderer/db/sync-log.ts';
import { SyncPanelContent } from '../../renderer/features/sync/sync-panel.tsx';
import { openTestRuntime, renderWith, USER_ID } from './harness.tsx';

let runtime: AccountRuntime;

beforeEach(async () => {
  window.location.hash = '';
  runtime = await openTestRuntime({ displayName: 'Ada' });
});

afterEach(async () => {
  cleanup();
  await runtime.close();
  await runtime.db.remove();
});

describe('sync panel', () => {
  it('counts local changes the server has not seen yet', async () => {
    const profile = (await runtime.db.profiles.findOne(USER_ID).exec())?.toJSON();
    await runtime.local.update(masterStates.profiles, () => ({ docs: { [USER_ID]: { ...profile } } }));
    renderWith(runtime, <SyncPanelContent onClose={() => undefined} />);
    await editOwnDoc(runtime.db, runtime.clock, 'profiles', USER_ID, {
      displayName: 'Ada L.',
      headline: 'Analyst',
    });
    await runtime.sync.stop().catch(() => undefined);
    expect(await screen.findByTestId('sync-pending')).toBeTruthy();
  });

  it('shows a conflict with both values, the winner and the reason', async () => {
    await runtime.local.update(conflictLog, () => ({
      entries: [
        {
          id: 'c1',
          at: Date.now(),
          collection: 'profiles' as const,
          field: 'displayName',
          rule: 'lww',
          winner: 'remote' as const,
          reason: 'Both devices changed it; the later edit (the other device) wins.',
          local: 'Ada (laptop)',
          remote: 'Ada (desktop)',
          result: 'Ada (desktop)',
        },
      ],
    }));
    renderWith(runtime, <SyncPanelContent onClose={() => undefined} />);
    const list = await screen.findByTestId('conflicts');
    const item = within(list).getByText('Display name').closest('li');
    if (item === null) throw new Error('no conflict item');
    expect(item.textContent).toContain('Ada (laptop)');
    expect(item.textContent).toContain('Ada (desktop)');
    expect(item.textContent).toContain('Other device’s value kept');
    expect(item.textContent).toContain('the later edit');
  });

  it('lists rejected edits; dismiss removes one, edit again opens its screen', async () => {
    const rejection = (id: string, field: string) => ({
      id,
      at: Date.now(),
      collection: 'profiles' as const,
      field,
      code: 'invalid_value' as const,
      message: `${field} was refused by the server.`,
      attempted: 'x'.repeat(3),
    });
    await runtime.local.update(rejectionLog, () => ({
      entries: [rejection('r1', 'headline'), rejection('r2', 'pronouns')],
    }));
    const user = userEvent.setup();
    let closed = false;
    renderWith(
      runtime,
      <SyncPanelContent
        onClose={() => {
          closed = true;
        }}
      />,
    );
    const list = await screen.findByTestId('rejections');
    expect(within(list).getByText('headline was refused by the server.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Dismiss the rejection of Pronouns' }));
    await waitFor(() => {
      expect(screen.queryByText('pronouns was refused by the server.')).toBeNull();
    });
    expect((await runtime.local.get(rejectionLog)).entries.map((entry) => entry.id)).toEqual(['r1']);

    await user.click(screen.getByRole('button', { name: 'Edit Headline again' }));
    expect(closed).toBe(true);
    expect(window.location.hash).toBe('#/profile?field=headline');
  });
});
