// "Download my data": one zip archive with everything the server keeps about a person, as JSON
// files (the owner's export of each entity per the policy table, contacts, sessions, security
// events, access-token metadata), the avatar image when stored, and a readable HTML summary.
// Secrets never enter it: `never` fields are dropped by `redactForExport` and the stores' token
// and code hashes are not read at all. fflate (maintained, no dependencies) writes the zip.
import { strToU8, zipSync, type Zippable } from 'fflate';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_SUMMARY_FILE,
  ARCHIVE_VERSION,
  archiveAvatarFile,
  archiveFiles,
  type ArchiveContent,
  type ArchiveFileName,
} from '#shared/contract/portability';
import { SecurityEvent } from '#shared/contract/auth';
import { AvatarRef } from '#shared/entities/values';
import { redactForExport } from '#shared/policy/export';
import type { AnyDoc } from '#shared/policy/table';
import { liveEntries, type AnySetEntry } from '#shared/policy/set-entry';
import { renderArchiveSummary } from '#shared/portability/archive-summary';
import { AvatarBlobStore } from '../avatars/blob-store.ts';
import type { AuditCursor, StoredDoc, SyncStore, UserRecord } from '../storage/store.ts';
import { directoryDocFor } from '../sync/directory.ts';
import { accountFieldsOf } from './user-rows.ts';

export interface ArchiveDeps {
  readonly store: SyncStore;
  readonly now: () => number;
  readonly dataDir: string;
}

const descriptions: Record<ArchiveFileName, string> = {
  'manifest.json': 'This list.',
  'account.json': 'Your account: sign-in email, verification, role, status, dates.',
  'profile.json': 'Your profile, every field, including the ones only you see.',
  'settings.json': 'Your settings: notifications, privacy choices, preferences, integrations.',
  'contacts.json': 'The people you added as contacts, with their names as you may see them.',
  'sessions.json': 'Your signed-in devices.',
  'security-events.json': 'Your security events (sign-ins, changes, administrator actions), oldest first.',
  'access-tokens.json':
    'Your personal access tokens (names, scopes and dates; the tokens themselves are not stored).',
};

const EVENTS_PAGE = 1000;

function live(doc: StoredDoc | undefined): AnyDoc | undefined {
  return doc === undefined || doc.deleted ? undefined : doc.data;
}

function fieldsOf(doc: AnyDoc | undefined): Record<string, unknown> {
  if (doc === undefined) return {};
  const { id: _id, clocks: _clocks, ...fields } = doc;
  return fields;
}

/** Every security event of the user, oldest first, read page by page. */
async function allEvents(
  store: SyncStore,
  userId: string,
): Promise<ArchiveContent['security-events.json']['events']> {
  const events: ArchiveContent['security-events.json']['events'] = [];
  let after: AuditCursor | undefined;
  for (;;) {
    const page = await store.admin.auditEventsOf(userId, after, EVENTS_PAGE);
    for (const record of page) {
      const event = SecurityEvent.safeParse({
        id: record.id,
        type: record.type,
        at: record.at,
        actorId: record.actorId,
        ip: record.ip,
        userAgent: record.userAgent,
        detail: record.detail,
      });
      if (event.success) events.push(event.data);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < EVENTS_PAGE) return events;
    after = { at: last.at, id: last.id };
  }
}

/** Each contact's display name as the owner may see it today (the directory's projection). */
async function contactsOf(store: SyncStore, userId: string, profile: AnyDoc | undefined) {
  const ids = Array.isArray(profile?.contacts)
    ? liveEntries(profile.contacts as AnySetEntry[]).map((e) => e.id)
    : [];
  return Promise.all(
    ids.map(async (contactId) => {
      const [contactProfile, contactSettings, contact] = await Promise.all([
        store.getDocument('profiles', contactId),
        store.getDocument('settings', contactId),
        store.findUser(contactId),
      ]);
      const status = contact?.emailVerified === true ? contact.status : undefined;
      const seen = directoryDocFor(
        { ownerId: contactId, seq: 0, profile: contactProfile, settings: contactSettings, status },
        userId,
      );
      const name =
        seen !== undefined && !seen._deleted && typeof seen.displayName === 'string'
          ? seen.displayName
          : null;
      return { userId: contactId, displayName: name };
    }),
  );
}

async function avatarOf(deps: ArchiveDeps, userId: string, profile: AnyDoc | undefined) {
  const ref = AvatarRef.safeParse(profile?.avatar);
  if (!ref.success) return undefined;
  const blobs = new AvatarBlobStore(deps.dataDir);
  const record = await blobs.record(ref.data.hash);
  // Only an image this person uploaded: a reference to someone else's image is not their data.
  if (record?.owners.includes(userId) !== true) return undefined;
  try {
    return { name: archiveAvatarFile[record.mime], bytes: new Uint8Array(await blobs.read(ref.data.hash)) };
  } catch {
    return undefined;
  }
}

export interface PersonalArchive {
  readonly bytes: Uint8Array;
  readonly files: readonly string[];
}

export async function buildPersonalArchive(deps: ArchiveDeps, user: UserRecord): Promise<PersonalArchive> {
  const { store } = deps;
  const exportedAt = new Date(deps.now()).toISOString();
  const [accountDoc, profileDoc, settingsDoc, sessions, tokens, events] = await Promise.all([
    store.getDocument('accounts', user.id),
    store.getDocument('profiles', user.id),
    store.getDocument('settings', user.id),
    store.listSessions(user.id, exportedAt),
    store.listAccessTokens(user.id),
    allEvents(store, user.id),
  ]);
  const profile = live(profileDoc);
  const settings = live(settingsDoc);
  const [contacts, avatar] = await Promise.all([
    contactsOf(store, user.id, profile),
    avatarOf(deps, user.id, profile),
  ]);

  const content: ArchiveContent = {
    'manifest.json': {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      exportedAt,
      userId: user.id,
      files: [
        ...Object.entries(descriptions)
          .filter(([name]) => name !== 'manifest.json')
          .map(([name, description]) => ({ name, description })),
        ...(avatar ? [{ name: avatar.name, description: 'Your avatar image.' }] : []),
        {
          name: ARCHIVE_SUMMARY_FILE,
          description: 'A readable summary of all of the above; open it in a browser.',
        },
      ],
    },
    'account.json': redactForExport(
      'account',
      { ...fieldsOf(live(accountDoc)), ...accountFieldsOf(user) },
      'owner',
    ),
    'profile.json': redactForExport('profile', fieldsOf(profile), 'owner'),
    'settings.json': redactForExport('settings', fieldsOf(settings), 'owner'),
    'contacts.json': { contacts },
    'sessions.json': {
      sessions: sessions.map((s) => ({
        id: s.id,
        deviceName: s.deviceName,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        ip: s.ip,
        userAgent: s.userAgent,
      })),
    },
    'security-events.json': { events },
    'access-tokens.json': {
      tokens: tokens.map((t) => ({
        id: t.id,
        name: t.name,
        scopes: [...t.scopes],
        createdAt: t.createdAt,
        lastUsedAt: t.lastUsedAt,
      })),
    },
  };

  const zippable: Zippable = {};
  for (const [name, value] of Object.entries(content)) {
    // Checked against the published schema before it leaves: a wrong archive is a server bug.
    const schema = archiveFiles[name as ArchiveFileName];
    zippable[name] = strToU8(`${JSON.stringify(schema.parse(value), null, 2)}\n`);
  }
  if (avatar) zippable[avatar.name] = [avatar.bytes, { level: 0 }];
  zippable[ARCHIVE_SUMMARY_FILE] = strToU8(
    renderArchiveSummary({
      exportedAt,
      content,
      avatarFile: avatar?.name,
    }),
  );
  const mtime = new Date(deps.now());
  return { bytes: zipSync(zippable, { level: 6, mtime }), files: Object.keys(zippable) };
}
