// Which account is open on this device: boots the last one (offline too), signs accounts in and
// out, switches between them (closing the previous database first) and can wipe local data.
import { BehaviorSubject } from 'rxjs';
import type { RxStorage } from 'rxdb';
import type { SessionTokens } from '#shared/contract/auth';
import {
  clearCurrentAccount,
  currentAccountId,
  forgetAccount,
  knownAccounts,
  rememberAccount,
  type KnownAccount,
} from '../api/known-accounts.ts';
import { removeAccountDatabase } from '../db/database.ts';
import { invoke } from '../platform/bridge.ts';
import { openRuntime, type AccountRuntime } from './runtime.ts';

export type AppState =
  | { readonly kind: 'booting' }
  | { readonly kind: 'signed-out'; readonly accounts: readonly KnownAccount[] }
  | { readonly kind: 'open'; readonly runtime: AccountRuntime; readonly account: KnownAccount }
  | { readonly kind: 'failed'; readonly message: string };

export interface ManagerOptions {
  readonly storage?: RxStorage<unknown, unknown>;
  readonly fetch?: typeof fetch;
}

export class AccountManager {
  readonly state$ = new BehaviorSubject<AppState>({ kind: 'booting' });
  baseUrl = '';
  private transition: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ManagerOptions = {}) {}

  /** One change of account at a time: a database must be closed before the next opens. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.transition.then(work);
    this.transition = run.catch(() => undefined);
    return run;
  }

  boot(): Promise<void> {
    return this.serial(async () => {
      try {
        const info = await invoke('app:info', {});
        this.baseUrl = (info.syncUrl ?? window.location.origin).replace(/\/$/, '');
        const current = currentAccountId();
        if (current === undefined) {
          this.state$.next({ kind: 'signed-out', accounts: knownAccounts() });
          return;
        }
        await this.open(current);
        this.resumeSession();
      } catch (error) {
        this.state$.next({
          kind: 'failed',
          message: error instanceof Error ? error.message : 'The local database could not be opened.',
        });
      }
    });
  }

  private resumeSession(): void {
    const state = this.state$.value;
    if (state.kind === 'open') void state.runtime.session.resume();
  }

  private async open(userId: string): Promise<AccountRuntime> {
    const current = this.state$.value;
    if (current.kind === 'open') {
      if (current.runtime.userId === userId) return current.runtime;
      await current.runtime.close();
    }
    this.state$.next({ kind: 'booting' });
    const runtime = await openRuntime({
      userId,
      baseUrl: this.baseUrl,
      ...(this.options.storage ? { storage: this.options.storage } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    const account = knownAccounts().find((known) => known.userId === userId);
    if (account === undefined) throw new Error('That account is not known on this device.');
    rememberAccount(account);
    this.state$.next({ kind: 'open', runtime, account });
    return runtime;
  }

  /** After sign-in or verification: opens (or keeps) that account's database and adopts the tokens. */
  signedIn(tokens: SessionTokens, email: string): Promise<void> {
    return this.serial(async () => {
      const existing = knownAccounts().find((known) => known.userId === tokens.userId);
      rememberAccount({ userId: tokens.userId, email, displayName: existing?.displayName ?? '' });
      const runtime = await this.open(tokens.userId);
      await runtime.session.adopt(tokens);
    });
  }

  switchTo(userId: string): Promise<void> {
    return this.serial(async () => {
      await this.open(userId);
      this.resumeSession();
    });
  }

  /** Leaves the open account on this device and shows the sign-in screen (to add another account). */
  addAccount(): Promise<void> {
    return this.serial(async () => {
      const current = this.state$.value;
      if (current.kind === 'open') await current.runtime.close();
      clearCurrentAccount();
      this.state$.next({ kind: 'signed-out', accounts: knownAccounts() });
    });
  }

  /** Signs out of the open account; with `wipe`, its local database and its entry are removed too. */
  signOut(options: { wipe: boolean }): Promise<void> {
    return this.serial(async () => {
      const current = this.state$.value;
      if (current.kind !== 'open') return;
      const { runtime } = current;
      await runtime.session.signOut();
      await runtime.close();
      clearCurrentAccount();
      if (options.wipe) {
        await removeAccountDatabase(runtime.userId, this.options.storage);
        forgetAccount(runtime.userId);
      }
      this.state$.next({ kind: 'signed-out', accounts: knownAccounts() });
    });
  }

  /** Removes a signed-out account's local data from this device. */
  removeLocalData(userId: string): Promise<void> {
    return this.serial(async () => {
      await removeAccountDatabase(userId, this.options.storage);
      forgetAccount(userId);
      this.state$.next({ kind: 'signed-out', accounts: knownAccounts() });
    });
  }

  /** Keeps the label (email, display name) of the open account fresh in the account switcher. */
  relabel(patch: Partial<Pick<KnownAccount, 'email' | 'displayName'>>): void {
    const current = this.state$.value;
    if (current.kind !== 'open') return;
    const next = { ...current.account, ...patch };
    if (next.email === current.account.email && next.displayName === current.account.displayName) return;
    rememberAccount(next);
    this.state$.next({ ...current, account: next });
  }
}
