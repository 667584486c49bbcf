// React access to the account manager and the open account's runtime.
import { createContext, useContext, type ReactNode } from 'react';
import type { AccountManager } from './account-manager.ts';
import type { AccountRuntime } from './runtime.ts';

const ManagerContext = createContext<AccountManager | undefined>(undefined);
const RuntimeContext = createContext<AccountRuntime | undefined>(undefined);

export function ManagerProvider({
  manager,
  children,
}: {
  readonly manager: AccountManager;
  readonly children: ReactNode;
}) {
  return <ManagerContext value={manager}>{children}</ManagerContext>;
}

export function RuntimeProvider({
  runtime,
  children,
}: {
  readonly runtime: AccountRuntime;
  readonly children: ReactNode;
}) {
  return <RuntimeContext value={runtime}>{children}</RuntimeContext>;
}

export function useManager(): AccountManager {
  const manager = useContext(ManagerContext);
  if (manager === undefined) throw new Error('useManager outside ManagerProvider');
  return manager;
}

export function useRuntime(): AccountRuntime {
  const runtime = useContext(RuntimeContext);
  if (runtime === undefined) throw new Error('useRuntime outside an open account');
  return runtime;
}
