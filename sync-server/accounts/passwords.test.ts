// Password hashing parameters and the NIST password rules, including the committed blocklist.
import { readFileSync } from 'node:fs';
import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { loadConfig, OWASP_ARGON2 } from '../config.ts';
import { BLOCKLIST_FILE, blocklistText } from './data/build-blocklist.ts';
import { commonPasswords, passwordProblem } from './password-policy.ts';
import { PasswordHasher } from './passwords.ts';

describe('argon2id hashing', () => {
  it('defaults to the OWASP parameters: argon2id, m=19456 KiB, t=2, p=1', async () => {
    const { argon2 } = loadConfig({});
    expect(argon2).toEqual({ memoryKib: 19_456, timeCost: 2, parallelism: 1 });
    expect(argon2).toEqual(OWASP_ARGON2);
    const hasher = new PasswordHasher(argon2);
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(parseOptions(hash)).toMatchObject({
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      saltLen: 16,
    });
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('accepts a lower cost only through configuration, and rehashes when parameters change', async () => {
    expect(() => loadConfig({ ARGON2_MEMORY_KIB: '512' })).toThrow(/ARGON2_MEMORY_KIB/);
    const cheap = new PasswordHasher(loadConfig({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' }).argon2);
    const hash = await cheap.hash('correct horse battery staple');
    expect(new PasswordHasher(OWASP_ARGON2).needsRehash(hash)).toBe(true);
    expect(cheap.needsRehash(hash)).toBe(false);
  });

  it('compares passwords after Unicode normalisation, and never throws on a stored non-hash', async () => {
    const hasher = new PasswordHasher({ memoryKib: 1024, timeCost: 1, parallelism: 1 });
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
    expect(await hasher.verify('unused', 'anything')).toBe(false);
    expect(await hasher.verifyDummy('anything')).toBe(false);
  });
});

describe('password rules', () => {
  it('ships a blocklist of at least 10,000 entries that its generator reproduces', () => {
    expect(commonPasswords().size).toBeGreaterThanOrEqual(10_000);
    expect(readFileSync(BLOCKLIST_FILE, 'utf8')).toBe(blocklistText());
    expect([...commonPasswords()].filter((entry) => Array.from(entry).length < 8)).toEqual([]);
  });

  it('checks length in characters, the blocklist case-insensitively, and the email', () => {
    const email = 'Ada.Lovelace@example.com';
    expect(passwordProblem('seven77', email)).toMatch(/at least 8/);
    expect(passwordProblem('\u{1F600}'.repeat(8), email)).toBeUndefined();
    expect(passwordProblem('x'.repeat(129), email)).toMatch(/at most 128/);
    expect(passwordProblem('PassWord1', email)).toMatch(/common/);
    expect(passwordProblem('ada.lovelace@example.com', email)).toMatch(/email/);
    expect(passwordProblem('ada.lovelace', email)).toMatch(/email/);
    expect(passwordProblem('no digits or symbols needed', email)).toBeUndefined();
  });
});
