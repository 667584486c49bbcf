// Component-test harness: a real account runtime on RxDB's memory storage (no network: the session
// stays unconfirmed, so nothing replicates), seeded documents, and the app's providers around a UI.
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { newDocument, type ProfileDoc, type SettingsDoc } from '#shared/policy/table';
import { AccountManager } from '../../renderer/app/account-manager.ts';
import { ManagerProvider, RuntimeProvider } from '../../renderer/app/app-context.tsx';
import { openRuntime, type AccountRuntime } from '../../renderer/app/runtime.ts';

export const USER_ID = '7d9c0c8e-3f5a-4b7e-9a51-2c4f0e1d9a10';
export const API_BASE = 'http://127.0.0.1:9';

export async function openTestRuntime(
  profile: Partial<ProfileDoc> = {},
  settings: Partial<SettingsDoc> = {},
  /** Answers the screen's server calls; by default every request fails as if offline. */
  fetchImpl: typeof fetch = () => Promise.reject(new TypeError('no network in component tests')),
): Promise<AccountRuntime> {
  const runtime = await openRuntime({
    userId: USER_ID,
    baseUrl: API_BASE,
    storage: getRxStorageMemory() as never,
    fetch: fetchImpl,
  });
  await runtime.db.profiles.insert({ ...newDocument('profile', USER_ID), ...profile });
  await runtime.db.settings.insert({ ...newDocument('settings', USER_ID), ...settings });
  return runtime;
}

export function renderWith(runtime: AccountRuntime, ui: ReactNode) {
  const manager = new AccountManager();
  return render(
    <ManagerProvider manager={manager}>
      <RuntimeProvider runtime={runtime}>{ui}</RuntimeProvider>
    </ManagerProvider>,
  );
}
