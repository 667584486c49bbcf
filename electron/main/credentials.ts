// The credential store: refresh tokens encrypted with Electron's safeStorage (OS keychain, DPAPI,
// libsecret or KWallet) in a file under userData. Where Linux has no keyring (basic_text), secrets
// are kept in memory for this session only, and the status says why.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CredentialStoreStatus } from '#shared/contract/ipc';

/** The part of Electron's safeStorage the store uses. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which password store Chromium picked. */
  getSelectedStorageBackend(): string;
}

export interface CredentialStore {
  status(): Promise<CredentialStoreStatus>;
  get(key: string): Promise<string | null>;
  /** Returns whether the secret survives a restart. */
  set(key: string, secret: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export interface CredentialStoreOptions {
  readonly safeStorage: SafeStorageLike;
  readonly platform: NodeJS.Platform;
  /** The encrypted file, e.g. userData/credentials.json. */
  readonly file: string;
  readonly log: (message: string) => void;
}

export const NO_KEYRING_REASON =
  'No system keyring (such as GNOME Keyring or KWallet) is available, so your sign-in cannot be stored ' +
  'securely on this computer. Accord keeps it only until you quit, and you will need to sign in again ' +
  'next time. Install or unlock a keyring and restart Accord to stay signed in.';

export const NO_ENCRYPTION_REASON =
  "The operating system's secure storage is not available, so your sign-in cannot be stored securely. " +
  'Accord keeps it only until you quit, and you will need to sign in again next time.';

const StoredFile = z.object({
  version: z.literal(1),
  /** "k:" + key → base64 of the safeStorage-encrypted secret (the prefix keeps names like __proto__ inert) */
  entries: z.record(z.string().startsWith('k:'), z.string().max(65_536)),
});
type StoredFile = z.infer<typeof StoredFile>;

const entryName = (key: string) => `k:${key}`;

function backendName(options: CredentialStoreOptions): string {
  switch (options.platform) {
    case 'darwin':
      return 'keychain';
    case 'win32':
      return 'dpapi';
    case 'linux':
      return options.safeStorage.getSelectedStorageBackend();
    default:
      return 'unknown';
  }
}

async function decideStatus(options: CredentialStoreOptions): Promise<CredentialStoreStatus> {
  const backend = backendName(options);
  if (options.platform === 'linux' && (backend === 'basic_text' || backend === 'unknown')) {
    return { persistent: false, backend, reason: NO_KEYRING_REASON };
  }
  if (!(await options.safeStorage.isAsyncEncryptionAvailable())) {
    return { persistent: false, backend, reason: NO_ENCRYPTION_REASON };
  }
  return { persistent: true, backend };
}

export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const memory = new Map<string, string>();
  let decided: Promise<CredentialStoreStatus> | undefined;
  const status = () => (decided ??= decideStatus(options));
  let queue: Promise<unknown> = Promise.resolve();
  /** File updates run one at a time, so two quick writes cannot lose each other. */
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const readStored = async (): Promise<StoredFile> => {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch {
      return { version: 1, entries: {} };
    }
    try {
      const parsed = StoredFile.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: an unreadable file is treated as empty and replaced on the next write
    }
    options.log('the credential file was unreadable; starting with no stored sign-in');
    return { version: 1, entries: {} };
  };

  const writeStored = async (stored: StoredFile): Promise<void> => {
    await mkdir(path.dirname(options.file), { recursive: true });
    const temporary = `${options.file}.tmp`;
    await writeFile(temporary, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
    await rename(temporary, options.file);
  };

  const persist = (key: string, encrypted: Buffer | null) =>
    serialized(async () => {
      const entries = new Map(Object.entries((await readStored()).entries));
      if (encrypted === null && !entries.has(entryName(key))) return;
      if (encrypted === null) entries.delete(entryName(key));
      else entries.set(entryName(key), encrypted.toString('base64'));
      await writeStored({ version: 1, entries: Object.fromEntries(entries) });
    });

  return {
    status,
    async get(key) {
      if (!(await status()).persistent) return memory.get(key) ?? null;
      const stored = await serialized(readStored);
      const encoded = new Map(Object.entries(stored.entries)).get(entryName(key));
      if (encoded === undefined) return null;
      try {
        const { result, shouldReEncrypt } = await options.safeStorage.decryptStringAsync(
          Buffer.from(encoded, 'base64'),
        );
        if (shouldReEncrypt) await persist(key, await options.safeStorage.encryptStringAsync(result));
        return result;
      } catch (error) {
        options.log(`a stored credential could not be decrypted and was removed: ${String(error)}`);
        await persist(key, null);
        return null;
      }
    },
    async set(key, secret) {
      if (!(await status()).persistent) {
        memory.set(key, secret);
        return false;
      }
      await persist(key, await options.safeStorage.encryptStringAsync(secret));
      return true;
    },
    async delete(key) {
      memory.delete(key);
      // Also when nothing is persisted now: a sign-out removes what an earlier session stored.
      await persist(key, null);
    },
  };
}
