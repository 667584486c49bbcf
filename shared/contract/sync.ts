// The replication contract: pull, push and stream per collection, in the RxDB HTTP replication shape.
import { z } from 'zod';
import { ProjectedDoc } from '../policy/project.ts';
import { AccountDoc, ProfileDoc, SettingsDoc } from '../policy/table.ts';
import { Rejection } from '../policy/validate-push.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

/** Checkpoints are assigned by the server: its change sequence plus the document id. */
export const SyncCheckpoint = z.object({
  seq: z.number().int().nonnegative(),
  id: z.string().max(64),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpoint>;

/** The most documents one pull (or stream batch) may ask for. */
export const MAX_PULL_LIMIT = 500;

export const PullQuery = z.object({
  seq: z.coerce.number().int().nonnegative().optional(),
  id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(100),
});

const deletedFlag = { _deleted: z.boolean() };
export const ProfileSyncDoc = ProfileDoc.extend(deletedFlag);
export const SettingsSyncDoc = SettingsDoc.extend(deletedFlag);
export const AccountSyncDoc = AccountDoc.extend(deletedFlag);
/** A directory document: another user's profile as projected for the caller, or a tombstone. */
export const DirectorySyncDoc = ProjectedDoc.extend(deletedFlag);

export const syncDocSchemas = {
  profiles: ProfileSyncDoc,
  settings: SettingsSyncDoc,
  accounts: AccountSyncDoc,
  directory: DirectorySyncDoc,
} as const;
export type SyncCollectionName = keyof typeof syncDocSchemas;
export const pushableCollections = ['profiles', 'settings'] as const;
export type PushableCollection = (typeof pushableCollections)[number];

/** A pushed document is checked field by field on the server, so the envelope only asks for an object. */
const PushedDoc = z.looseObject({ id: z.string().max(64), _deleted: z.boolean().optional() });
export const PushRequest = z.object({
  rows: z
    .array(z.object({ assumedMasterState: PushedDoc.nullable(), newDocumentState: PushedDoc }))
    .min(1)
    .max(100),
});
export type PushRequest = z.infer<typeof PushRequest>;

/** A stream message: a batch of changes, or RESYNC (pull from your checkpoint, something may be missed). */
export type StreamMessage<D> = { documents: D[]; checkpoint: SyncCheckpoint } | 'RESYNC';

const pullDescription =
  'Documents changed after the checkpoint, ordered by (seq, id). Deleted documents come as tombstones ' +
  '(`_deleted: true`). Start with no checkpoint; continue with the returned one until fewer than `limit` arrive.';

function pullRoute<C extends SyncCollectionName>(collection: C, summary: string) {
  return defineRoute({
    method: 'GET',
    path: `/api/sync/${collection}/pull`,
    auth: 'session',
    summary,
    description: pullDescription,
    tags: ['sync'],
    query: PullQuery,
    responses: {
      200: z.object({
        documents: z.array(syncDocSchemas[collection]),
        checkpoint: SyncCheckpoint.nullable(),
      }),
    },
    errors: { ...commonErrors, ...authErrors },
  });
}

function pushRoute<C extends PushableCollection>(collection: C, summary: string) {
  return defineRoute({
    method: 'POST',
    path: `/api/sync/${collection}/push`,
    auth: 'session',
    summary,
    description:
      'Each row carries the master state the device last saw and its new state. A row whose assumed ' +
      'master differs from the server master is a conflict: the current master comes back in `conflicts` ' +
      'and the device merges. Otherwise each field is checked against the policy and the caller role; ' +
      'valid fields apply, rejected fields keep the server value with a fresh server clock, and a ' +
      'rejection record says why. When the stored document differs from what was pushed it also comes ' +
      'back in `conflicts`, so the device adopts it.',
    tags: ['sync'],
    body: PushRequest,
    responses: {
      200: z.object({ conflicts: z.array(syncDocSchemas[collection]), rejections: z.array(Rejection) }),
    },
    errors: { ...commonErrors, ...authErrors },
  });
}

function streamRoute<C extends SyncCollectionName>(collection: C, summary: string) {
  return defineRoute({
    method: 'GET',
    path: `/api/sync/${collection}/stream`,
    auth: 'session',
    summary,
    description:
      'Server-Sent Events. The first message on every connection is `"RESYNC"` (pull from your checkpoint); ' +
      'then each message is `{documents, checkpoint}` for changes after it. Comment lines are heartbeats.',
    tags: ['sync'],
    stream: true,
    responses: { 200: z.string().describe('text/event-stream') },
    errors: authErrors,
  });
}

export const syncRoutes = {
  profilesPull: pullRoute('profiles', 'Pull your profile'),
  profilesPush: pushRoute('profiles', 'Push changes to your profile'),
  profilesStream: streamRoute('profiles', 'Stream changes to your profile'),
  settingsPull: pullRoute('settings', 'Pull your settings'),
  settingsPush: pushRoute('settings', 'Push changes to your settings'),
  settingsStream: streamRoute('settings', 'Stream changes to your settings'),
  accountsPull: pullRoute('accounts', 'Pull your account (read-only: written by the server and admins)'),
  accountsStream: streamRoute('accounts', 'Stream changes to your account'),
  directoryPull: pullRoute('directory', "Pull other people's profiles as projected for you"),
  directoryStream: streamRoute('directory', "Stream changes to other people's profiles as projected for you"),
} as const;
