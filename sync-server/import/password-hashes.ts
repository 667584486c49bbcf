// Password hashes brought in by an import from another system: argon2 (any variant), bcrypt and
// scrypt, each in its usual string format with its parameters inside. Sign-in verifies them
// (PasswordHasher.verify hands these formats here) and, because they are not today's argon2id,
// the sign-in rehashes the password with argon2id at the first success (needsRehash).
//
// Accepted formats (parameters are bounded: a hostile import must not make sign-in a memory or
// CPU bomb):
//   argon2   $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>   (also $argon2i$, $argon2d$; v= optional)
//            m ≤ 262144 KiB, t ≤ 20, p ≤ 16 — verified by @node-rs/argon2
//   bcrypt   $2a$12$<53 characters>  (also $2b$, $2y$; cost 4–15) — verified by bcryptjs
//   scrypt   $scrypt$ln=15,r=8,p=1$<salt>$<hash>   (PHC string format; salt and hash in base64,
//            standard or passlib's "." alphabet, padding optional; ln ≤ 20, r ≤ 32, p ≤ 16,
//            128·N·r ≤ 256 MiB, hash 16–128 bytes) — verified by node:crypto scrypt
import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { compare as bcryptCompare } from 'bcryptjs';
import { importedHashFormats } from '#shared/contract/admin';

export type ImportedHashKind = 'argon2' | 'bcrypt' | 'scrypt';

const ARGON2 =
  /^\$argon2(id|i|d)\$(?:v=(16|19)\$)?m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,128}\$[A-Za-z0-9+/]{16,256}$/;
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const SCRYPT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/.]{4,128}={0,2})\$([A-Za-z0-9+/.]{16,192}={0,2})$/;

const LIMITS = {
  argon2MemoryKib: 262_144,
  argon2Time: 20,
  argon2Lanes: 16,
  bcryptCost: { min: 4, max: 15 },
  scryptLn: 20,
  scryptR: 32,
  scryptP: 16,
  scryptMemoryBytes: 256 * 1024 * 1024,
} as const;

export function importedHashKind(stored: string): ImportedHashKind | undefined {
  if (stored.startsWith('$argon2')) return 'argon2';
  if (/^\$2[aby]\$/.test(stored)) return 'bcrypt';
  if (stored.startsWith('$scrypt$')) return 'scrypt';
  return undefined;
}

interface ScryptHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly options: ScryptOptions;
}

function base64(text: string): Buffer {
  return Buffer.from(text.replaceAll('.', '+'), 'base64');
}

function parseScrypt(stored: string): ScryptHash | string {
  const match = SCRYPT.exec(stored);
  if (match === null) return 'a scrypt hash must look like $scrypt$ln=15,r=8,p=1$<salt>$<hash>';
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > LIMITS.scryptLn || r < 1 || r > LIMITS.scryptR || p < 1 || p > LIMITS.scryptP) {
    return `scrypt parameters out of range (ln 1–${LIMITS.scryptLn}, r 1–${LIMITS.scryptR}, p 1–${LIMITS.scryptP})`;
  }
  const N = 2 ** ln;
  const memory = 128 * N * r;
  if (memory > LIMITS.scryptMemoryBytes) return 'scrypt parameters need more than 256 MiB of memory';
  const salt = base64(match[4] ?? '');
  const hash = base64(match[5] ?? '');
  if (hash.length < 16 || hash.length > 128) return 'a scrypt hash must be 16–128 bytes long';
  // maxmem: Node refuses parameters needing more than this; leave room for its own bookkeeping.
  return { salt, hash, options: { N, r, p, maxmem: memory + 64 * 1024 * 1024 } };
}

/** Why an imported hash is not acceptable, or undefined when it is (checked before anything is written). */
export function importedHashProblem(stored: string): string | undefined {
  switch (importedHashKind(stored)) {
    case 'argon2': {
      const match = ARGON2.exec(stored);
      if (match === null) return 'an argon2 hash must look like $argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>';
      const [m, t, p] = [Number(match[3]), Number(match[4]), Number(match[5])];
      if (
        m < 8 ||
        m > LIMITS.argon2MemoryKib ||
        t < 1 ||
        t > LIMITS.argon2Time ||
        p < 1 ||
        p > LIMITS.argon2Lanes
      ) {
        return `argon2 parameters out of range (m ≤ ${LIMITS.argon2MemoryKib} KiB, t ≤ ${LIMITS.argon2Time}, p ≤ ${LIMITS.argon2Lanes})`;
      }
      return undefined;
    }
    case 'bcrypt': {
      const match = BCRYPT.exec(stored);
      if (match === null) return 'a bcrypt hash must look like $2b$12$ followed by 53 characters';
      const cost = Number(match[1]);
      if (cost < LIMITS.bcryptCost.min || cost > LIMITS.bcryptCost.max) {
        return `bcrypt cost out of range (${LIMITS.bcryptCost.min}–${LIMITS.bcryptCost.max})`;
      }
      return undefined;
    }
    case 'scrypt': {
      const parsed = parseScrypt(stored);
      return typeof parsed === 'string' ? parsed : undefined;
    }
    case undefined:
      return `unsupported password hash format (accepted: ${Object.keys(importedHashFormats).join(', ')})`;
  }
}

function scryptHash(password: string, parsed: ScryptHash): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, parsed.salt, parsed.hash.length, parsed.options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

async function verifyOnce(kind: 'bcrypt' | 'scrypt', stored: string, password: string): Promise<boolean> {
  if (kind === 'bcrypt') return bcryptCompare(password, stored);
  const parsed = parseScrypt(stored);
  if (typeof parsed === 'string') return false;
  const key = await scryptHash(password, parsed);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/**
 * Verifies a bcrypt or scrypt hash from an import (argon2 is PasswordHasher's own). The other
 * system hashed the password as typed, so that is tried first, then its NFKC normal form (the
 * form this server hashes). False for a malformed or out-of-range hash.
 */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  const kind = importedHashKind(stored);
  if ((kind !== 'bcrypt' && kind !== 'scrypt') || importedHashProblem(stored) !== undefined) return false;
  try {
    if (await verifyOnce(kind, stored, password)) return true;
    const normal = password.normalize('NFKC');
    return normal !== password && (await verifyOnce(kind, stored, normal));
  } catch {
    return false;
  }
}

/** Whether PasswordHasher.verify should hand this stored value to `verifyImportedHash`. */
export function isForeignHash(stored: string): boolean {
  const kind = importedHashKind(stored);
  return kind === 'bcrypt' || kind === 'scrypt';
}
