// The credential store: session-only without a keyring (basic_text), encrypted round trips with one.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSafeStorage, type FakeSafeStorageOptions } from '../testing/fake-electron.ts';
import { createCredentialStore, NO_ENCRYPTION_REASON, NO_KEYRING_REASON } from './credentials.ts';

const SECRET = 'rft_0123456789abcdefghijABCDEFGHIJ';
let dir: string;
let file: string;
let logs: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'accord-credentials-'));
  file = path.join(dir, 'credentials.json');
  logs = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function store(safeStorage: FakeSafeStorage, platform: NodeJS.Platform = 'linux') {
  return createCredentialStore({ safeStorage, platform, file, log: (line) => logs.push(line) });
}
const storage = (options: FakeSafeStorageOptions = {}) => new FakeSafeStorage(options);

describe('credential store without a keyring (Linux basic_text)', () => {
  it('says that secrets are not persisted, and why', async () => {
    const status = await store(storage({ backend: 'basic_text' })).status();
    expect(status).toEqual({ persistent: false, backend: 'basic_text', reason: NO_KEYRING_REASON });
    expect(status.reason).toMatch(/keyring/);
    expect(status.reason?.length).toBeLessThanOrEqual(500);
  });

  it('keeps the secret in memory for the session only and writes nothing to disk', async () => {
    const safeStorage = storage({ backend: 'basic_text' });
    const credentials = store(safeStorage);
    expect(await credentials.set('refresh', SECRET)).toBe(false);
    expect(await credentials.get('refresh')).toBe(SECRET);
    expect(existsSync(file)).toBe(false);
    expect(safeStorage.encryptions).toBe(0);
    // A restart: a new store (same file) knows nothing.
    expect(await store(storage({ backend: 'basic_text' })).get('refresh')).toBeNull();
    await credentials.delete('refresh');
    expect(await credentials.get('refresh')).toBeNull();
  });

  it('treats an undetermined backend the same way', async () => {
    expect(await store(storage({ backend: 'unknown' })).status()).toMatchObject({ persistent: false });
  });

  it('forgets, on sign-out, a secret an earlier keyring session stored', async () => {
    await store(storage()).set('refresh', SECRET);
    await store(storage({ backend: 'basic_text' })).delete('refresh');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, entries: {} });
  });
});

describe('credential store with a keyring', () => {
  it('reports a persistent store for each platform', async () => {
    expect(await store(storage({ backend: 'gnome_libsecret' })).status()).toEqual({
      persistent: true,
      backend: 'gnome_libsecret',
    });
    expect(await store(storage({ backend: 'kwallet6' })).status()).toMatchObject({ persistent: true });
    expect(await store(storage(), 'darwin').status()).toEqual({ persistent: true, backend: 'keychain' });
    expect(await store(storage(), 'win32').status()).toEqual({ persistent: true, backend: 'dpapi' });
  });

  it('round-trips a secret through an encrypted file that survives a restart', async () => {
    expect(await store(storage()).set('refresh', SECRET)).toBe(true);
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(SECRET);
    expect(onDisk).not.toContain(Buffer.from(SECRET).toString('base64'));
    const restarted = store(storage());
    expect(await restarted.get('refresh')).toBe(SECRET);
    expect(await restarted.get('other')).toBeNull();
    await restarted.delete('refresh');
    expect(await store(storage()).get('refresh')).toBeNull();
  });

  it('keeps several keys, written concurrently, without losing one', async () => {
    const credentials = store(storage());
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((key) => credentials.set(`account:${key}`, `${SECRET}-${key}`)),
    );
    for (const key of ['a', 'b', 'c', 'd'])
      expect(await credentials.get(`account:${key}`)).toBe(`${SECRET}-${key}`);
  });

  it('stores keys that look like object internals as plain entries', async () => {
    const credentials = store(storage());
    await credentials.set('__proto__', SECRET);
    await credentials.set('constructor', 'other');
    expect(await store(storage()).get('__proto__')).toBe(SECRET);
    expect(await store(storage()).get('constructor')).toBe('other');
  });

  it('re-encrypts when the OS rotated its key', async () => {
    await store(storage()).set('refresh', SECRET);
    const safeStorage = storage();
    safeStorage.reEncryptNext = true;
    expect(await store(safeStorage).get('refresh')).toBe(SECRET);
    expect(safeStorage.encryptions).toBe(1);
  });

  it('drops a secret that can no longer be decrypted (a new keyring)', async () => {
    await store(storage()).set('refresh', SECRET);
    const safeStorage = storage();
    safeStorage.failDecrypt = true;
    expect(await store(safeStorage).get('refresh')).toBeNull();
    expect(logs.join('\n')).toContain('could not be decrypted');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, entries: {} });
  });

  it('starts empty when the file is damaged, and replaces it on the next write', async () => {
    await writeFile(file, '{ not json');
    const credentials = store(storage());
    expect(await credentials.get('refresh')).toBeNull();
    await credentials.set('refresh', SECRET);
    expect(await store(storage()).get('refresh')).toBe(SECRET);
  });

  it('does not persist when the OS encryption is unavailable, and says so', async () => {
    const credentials = store(storage({ available: false }), 'darwin');
    expect(await credentials.status()).toEqual({
      persistent: false,
      backend: 'keychain',
      reason: NO_ENCRYPTION_REASON,
    });
    expect(await credentials.set('refresh', SECRET)).toBe(false);
    expect(await credentials.get('refresh')).toBe(SECRET);
    expect(existsSync(file)).toBe(false);
  });
});
