// Recovery codes: ten single-use codes shown once, stored as argon2id hashes (about 52 bits each,
// too few for a plain hash to resist offline guessing), for signing in without the authenticator.
import { randomInt, randomUUID } from 'node:crypto';
import { nowIso, type AccountDeps } from './context.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `abcde-12345`: ten characters from 36, the shape the contract's RecoveryCode accepts. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)] ?? 'a');
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** Replaces the account's codes with ten new ones and returns them (the only time they are shown). */
export async function issueRecoveryCodes(deps: AccountDeps, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashed = await Promise.all(
    codes.map(async (code) => ({ id: randomUUID(), codeHash: await deps.passwords.hash(code) })),
  );
  await deps.store.replaceRecoveryCodes(userId, hashed, nowIso(deps));
  return codes;
}

/** Uses up the matching unused code; false when none matches. Returns how many remain unused. */
export async function useRecoveryCode(
  deps: AccountDeps,
  userId: string,
  code: string,
): Promise<{ readonly used: boolean; readonly remaining: number }> {
  const unused = (await deps.store.listRecoveryCodes(userId)).filter((entry) => entry.usedAt === null);
  const normalised = code.trim().toLowerCase();
  const matches = await Promise.all(unused.map((entry) => deps.passwords.verify(entry.codeHash, normalised)));
  const index = matches.indexOf(true);
  const match = unused[index];
  if (match === undefined) return { used: false, remaining: unused.length };
  // Conditional update: two requests with the same code cannot both succeed.
  const used = await deps.store.useRecoveryCode(match.id, nowIso(deps));
  return { used, remaining: used ? unused.length - 1 : unused.length };
}
