// The accounts signed in on this machine (not secrets: id, email, name), so the app can open the
// last one offline and switch between several. Parsed on load: stored data is never trusted.
import { z } from 'zod';
import { Email, UserId } from '#shared/entities/values';

const KnownAccount = z.object({
  userId: UserId,
  email: Email,
  displayName: z.string().max(80).catch(''),
  lastUsedAt: z.number().catch(0),
});
export type KnownAccount = z.infer<typeof KnownAccount>;

const ACCOUNTS_KEY = 'accord.accounts';
const CURRENT_KEY = 'accord.current-account';

function read(): KnownAccount[] {
  try {
    const parsed = z.array(KnownAccount).safeParse(JSON.parse(localStorage.getItem(ACCOUNTS_KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function write(accounts: readonly KnownAccount[]): void {
  localStorage.setItem(ACCOUNTS_KEY, JSON.stringify(accounts));
}

export function knownAccounts(): KnownAccount[] {
  return read().sort((a, b) => b.lastUsedAt - a.lastUsedAt);
}

export function rememberAccount(account: Omit<KnownAccount, 'lastUsedAt'>): void {
  const others = read().filter((known) => known.userId !== account.userId);
  write([...others, { ...account, lastUsedAt: Date.now() }]);
  localStorage.setItem(CURRENT_KEY, account.userId);
}

export function updateAccountLabel(
  userId: string,
  patch: Partial<Pick<KnownAccount, 'email' | 'displayName'>>,
): void {
  write(read().map((known) => (known.userId === userId ? { ...known, ...patch } : known)));
}

export function forgetAccount(userId: string): void {
  write(read().filter((known) => known.userId !== userId));
  if (localStorage.getItem(CURRENT_KEY) === userId) localStorage.removeItem(CURRENT_KEY);
}

export function currentAccountId(): string | undefined {
  const id = localStorage.getItem(CURRENT_KEY);
  return id !== null && read().some((known) => known.userId === id) ? id : undefined;
}

export function clearCurrentAccount(): void {
  localStorage.removeItem(CURRENT_KEY);
}
