// "Download my data" without the server: the same zip layout as the server's archive, built from
// this device's database (account, profile, settings, the contacts' names as last synced, the
// avatar when the image is here). Sessions, security events and access tokens live only on the
// server: the manifest and the summary say they are missing and when this device last synced.
import { strToU8, zipSync, type Zippable } from 'fflate';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_SUMMARY_FILE,
  ARCHIVE_VERSION,
  archiveAvatarFile,
  archiveFiles,
  serverOnlyArchiveFiles,
  type ArchiveFileName,
  type DeviceArchiveContent,
} from '#shared/contract/portability';
import { AvatarRef } from '#shared/entities/values';
import { redactForExport } from '#shared/policy/export';
import { liveEntries } from '#shared/policy/set-entry';
import { renderArchiveSummary } from '#shared/portability/archive-summary';
import type { AccountRuntime } from '../../app/runtime.ts';
import { NotSyncedYetError, plain } from '../../db/documents.ts';
import { syncMeta } from '../../db/sync-log.ts';

type DeviceFile = keyof DeviceArchiveContent;

const descriptions: Record<Exclude<DeviceFile, 'manifest.json'>, string> = {
  'account.json':
    'Your account as this device last synced it: sign-in email, verification, role, status, dates.',
  'profile.json': 'Your profile, every field, including the ones only you see, as kept on this device.',
  'settings.json': 'Your settings as kept on this device.',
  'contacts.json': 'The people you added as contacts, with their names as this device last saw them.',
};

function fieldsOf(doc: { readonly id: string; readonly clocks: unknown }): Record<string, unknown> {
  const { id: _id, clocks: _clocks, ...fields } = doc as Record<string, unknown>;
  return fields;
}

async function ownDocs(runtime: AccountRuntime) {
  const { db, userId } = runtime;
  const [account, profile, settings] = await Promise.all([
    db.accounts.findOne(userId).exec(),
    db.profiles.findOne(userId).exec(),
    db.settings.findOne(userId).exec(),
  ]);
  if (account === null || profile === null || settings === null) throw new NotSyncedYetError();
  return { account: plain(account), profile: plain(profile), settings: plain(settings) };
}

export interface DeviceArchive {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly lastSyncedAt: string | null;
}

export async function buildDeviceArchive(runtime: AccountRuntime, now = Date.now()): Promise<DeviceArchive> {
  const docs = await ownDocs(runtime);
  const lastSyncAt = (await runtime.local.get(syncMeta)).lastSyncAt;
  const lastSyncedAt = lastSyncAt === null ? null : new Date(lastSyncAt).toISOString();
  const exportedAt = new Date(now).toISOString();

  const contacts = await Promise.all(
    liveEntries(docs.profile.contacts).map(async ({ id }) => {
      const seen = await runtime.db.directory.findOne(id).exec();
      return { userId: id, displayName: seen?.displayName ?? null };
    }),
  );
  const ref = AvatarRef.safeParse(docs.profile.avatar);
  const image = ref.success ? await runtime.avatars.cached(ref.data.hash) : undefined;
  const avatar = image && { name: archiveAvatarFile[image.mime], bytes: image.bytes };

  const content: DeviceArchiveContent = {
    'manifest.json': {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      exportedAt,
      userId: runtime.userId,
      files: [
        ...Object.entries(descriptions).map(([name, description]) => ({ name, description })),
        ...(avatar ? [{ name: avatar.name, description: 'Your avatar image.' }] : []),
        {
          name: ARCHIVE_SUMMARY_FILE,
          description: 'A readable summary of all of the above, made on this device; open it in a browser.',
        },
      ],
      origin: { source: 'device', lastSyncedAt, missing: [...serverOnlyArchiveFiles] },
    },
    'account.json': redactForExport('account', fieldsOf(docs.account), 'owner'),
    'profile.json': redactForExport('profile', fieldsOf(docs.profile), 'owner'),
    'settings.json': redactForExport('settings', fieldsOf(docs.settings), 'owner'),
    'contacts.json': { contacts },
  };

  const zippable: Zippable = {};
  for (const [name, value] of Object.entries(content)) {
    // The same published schemas the server's archive meets: a device archive is no looser.
    const schema = archiveFiles[name as ArchiveFileName];
    zippable[name] = strToU8(`${JSON.stringify(schema.parse(value), null, 2)}\n`);
  }
  if (avatar) zippable[avatar.name] = [avatar.bytes, { level: 0 }];
  zippable[ARCHIVE_SUMMARY_FILE] = strToU8(
    renderArchiveSummary({ exportedAt, content, avatarFile: avatar?.name }),
  );
  const bytes = zipSync(zippable, { level: 6, mtime: new Date(now) });
  return { bytes: new Uint8Array(bytes), lastSyncedAt };
}
