// The password rules of NIST 800-63B: length, a blocklist of common passwords, nothing derived from
// the email address; no composition rules (they make passwords harder to remember, not to guess).
import { readFileSync } from 'node:fs';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RECOMMENDED_LENGTH } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';

const BLOCKLIST_URL = new URL('./data/common-passwords.txt', import.meta.url);

/** Loaded once, lazily: about 18,000 entries, a few hundred kilobytes in memory. */
let blocklist: ReadonlySet<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  blocklist ??= new Set(
    readFileSync(BLOCKLIST_URL, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#')),
  );
  return blocklist;
}

/** Why a password is not acceptable for this address, or undefined when it is. */
export function passwordProblem(password: string, email: string): string | undefined {
  // Characters as people count them (code points), not UTF-16 units.
  const length = Array.from(password.normalize('NFKC')).length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters (${PASSWORD_RECOMMENDED_LENGTH} or more is better).`;
  }
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.normalize('NFKC').toLowerCase();
  const address = email.trim().toLowerCase();
  const localPart = address.split('@')[0] ?? address;
  if (lower === address || lower === localPart) {
    return 'Choose a password that is not your email address.';
  }
  if (commonPasswords().has(lower) || commonPasswords().has(lower.trim())) {
    return 'This password is among the most common ones and easy to guess; choose another.';
  }
  return undefined;
}

/** Throws a 400 `weak_password` naming the field when the password is not acceptable. */
export function assertAcceptablePassword(password: string, email: string, field: string): void {
  const problem = passwordProblem(password, email);
  if (problem !== undefined) throw new AccordError('weak_password', problem, field);
}
