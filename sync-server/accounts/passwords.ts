// Password hashing: argon2id with the configured (by default OWASP) cost, and a dummy for timing.
import { hash, parseOptions, verify, type Options } from '@node-rs/argon2';
import type { Argon2Params } from '../config.ts';
import { isForeignHash, verifyImportedHash } from '../import/password-hashes.ts';

/**
 * NIST 800-63B: compare passwords after Unicode normalisation, so the same password typed on
 * two keyboards (composed or decomposed accents) is the same password.
 */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

export class PasswordHasher {
  readonly #options: Options;
  #dummy: Promise<string> | undefined;

  constructor(readonly params: Argon2Params) {
    // The library's default algorithm is argon2id (its enum is ambient-const, unreadable here);
    // needsRehash and the tests check the `$argon2id$` prefix of what it produces.
    this.#options = {
      memoryCost: params.memoryKib,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    };
  }

  hash(password: string): Promise<string> {
    return hash(normalise(password), this.#options);
  }

  /** False for a wrong password and for a stored value that is no argon2, bcrypt or scrypt hash. */
  async verify(stored: string, password: string): Promise<boolean> {
    // bcrypt and scrypt hashes brought in by an import; needsRehash makes sign-in upgrade them.
    if (isForeignHash(stored)) return verifyImportedHash(stored, password);
    if (!stored.startsWith('$argon2')) {
      // Same cost as a real check, so a placeholder hash does not answer faster.
      await this.verifyDummy(password);
      return false;
    }
    try {
      return await verify(stored, normalise(password));
    } catch {
      return false;
    }
  }

  /**
   * Spends what a real check spends, for an unknown account: an unknown email and a wrong
   * password must not be told apart by response time.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('accord-dummy-password-for-timing');
    await verify(await this.#dummy, normalise(password)).catch(() => false);
    return false;
  }

  /** Whether a stored hash was made with other parameters than today's (rehash on next sign-in). */
  needsRehash(stored: string): boolean {
    try {
      const options = parseOptions(stored);
      return (
        !stored.startsWith('$argon2id$') ||
        options.memoryCost !== this.params.memoryKib ||
        options.timeCost !== this.params.timeCost ||
        options.parallelism !== this.params.parallelism
      );
    } catch {
      return true;
    }
  }
}
