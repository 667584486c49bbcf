// @vitest-environment happy-dom
// "Download my data" from this device: the archive has the server's layout, every JSON file meets
// the published schema, the contacts carry the names this device last saw, and the manifest and
// the summary say the server-only files are missing and when the device last synced.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { archiveFiles, type ArchiveFileName } from '#shared/contract/portability';
import { newDocument } from '#shared/policy/table';
import type { AccountRuntime } from '../../renderer/app/runtime.ts';
import { syncMeta } from '../../renderer/db/sync-log.ts';
import { buildDeviceArchive } from '../../renderer/features/settings/device-archive.ts';
import { openTestRuntime, USER_ID } from './harness.tsx';

const CONTACT_ID = '3c1e9f0a-5b7d-4e2a-8c6f-1d0b9a8e7f65';
const HIDDEN_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const AT = '001767225600000-00000-device';

let runtime: AccountRuntime;

beforeEach(async () => {
  runtime = await openTestRuntime({
    displayName: 'Ada <b>Lovelace</b>',
    contacts: [
      { id: CONTACT_ID, at: AT, removed: false },
      { id: HIDDEN_ID, at: AT, removed: false },
    ],
  });
  await runtime.db.accounts.insert({ ...newDocument('account', USER_ID), email: 'ada@example.test' });
  await runtime.db.directory.insert({ id: CONTACT_ID, clocks: {}, displayName: 'Charles Babbage' });
  await runtime.local.update(syncMeta, () => ({ lastSyncAt: Date.parse('2026-03-04T05:06:07.000Z') }));
});

afterEach(async () => {
  await runtime.close();
  await runtime.db.remove();
});

describe('archive from this device', () => {
  it('has the server’s layout, valid files, and says what it lacks', async () => {
    const archive = await buildDeviceArchive(runtime, Date.parse('2026-03-05T00:00:00.000Z'));
    const files = unzipSync(archive.bytes);
    const read = (name: ArchiveFileName): unknown => JSON.parse(strFromU8(files[name] ?? new Uint8Array()));

    expect(Object.keys(files).sort()).toEqual([
      'account.json',
      'contacts.json',
      'index.html',
      'manifest.json',
      'profile.json',
      'settings.json',
    ]);
    for (const name of Object.keys(files).filter((file) => file.endsWith('.json'))) {
      expect(() => archiveFiles[name as ArchiveFileName].parse(read(name as ArchiveFileName))).not.toThrow();
    }
    const manifest = archiveFiles['manifest.json'].parse(read('manifest.json'));
    expect(manifest.origin).toEqual({
      source: 'device',
      lastSyncedAt: '2026-03-04T05:06:07.000Z',
      missing: ['sessions.json', 'security-events.json', 'access-tokens.json'],
    });
    expect(manifest.files.map((file) => file.name)).toEqual([
      'account.json',
      'profile.json',
      'settings.json',
      'contacts.json',
      'index.html',
    ]);
    expect(read('account.json')).toMatchObject({ email: 'ada@example.test' });
    expect(read('contacts.json')).toEqual({
      contacts: [
        { userId: CONTACT_ID, displayName: 'Charles Babbage' },
        { userId: HIDDEN_ID, displayName: null },
      ],
    });

    const summary = strFromU8(files['index.html'] ?? new Uint8Array());
    expect(summary).toContain('From this device, last synced at 2026-03-04T05:06:07.000Z.');
    expect(summary).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');
    expect(summary).not.toContain('<b>Lovelace');
    expect(summary.match(/Not in this archive: only the server keeps it\./g)).toHaveLength(3);
  });
});
