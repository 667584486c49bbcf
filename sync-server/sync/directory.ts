// The directory: other people's profiles projected for one viewer; tombstones where they see nothing.
import { VisibilityChoices } from '#shared/entities/settings';
import { project } from '#shared/policy/project';
import { liveEntries, type AnySetEntry } from '#shared/policy/set-entry';
import type { ViewerRelation } from '#shared/visibility';
import type { DirectoryEntry } from '../storage/store.ts';
import type { SyncDoc } from './documents.ts';

/**
 * The viewer's relation to the owner: `blocked` when the owner blocked them, the account is not
 * active, or (for non-contacts) the owner is not discoverable; `contact` when the owner added them.
 */
export function relationOf(entry: DirectoryEntry, viewerId: string): ViewerRelation {
  const profile = entry.profile;
  if (profile === undefined || profile.deleted || entry.status !== 'active') return 'blocked';
  if (hasLiveId(profile.data.blocked, viewerId)) return 'blocked';
  if (hasLiveId(profile.data.contacts, viewerId)) return 'contact';
  const discoverable = entry.settings?.data.discoverable;
  return discoverable === false ? 'blocked' : 'signed-in';
}

/**
 * Projections already made of an entry, by relation. The projection depends only on the entry and
 * the viewer's relation to its owner, and a stream fan-out hands the same entry objects to every
 * viewer (see ChangeHub.directorySince), so thousands of viewers share a handful of projections.
 * The documents are shared: nothing may modify them.
 */
const projections = new WeakMap<DirectoryEntry, Map<ViewerRelation, SyncDoc>>();

/** The document this viewer receives for the entry, or undefined for their own entry. */
export function directoryDocFor(entry: DirectoryEntry, viewerId: string): SyncDoc | undefined {
  if (entry.ownerId === viewerId) return undefined;
  const relation = relationOf(entry, viewerId);
  let byRelation = projections.get(entry);
  if (byRelation === undefined) {
    byRelation = new Map();
    projections.set(entry, byRelation);
  }
  let doc = byRelation.get(relation);
  if (doc === undefined) {
    doc = projectEntry(entry, relation);
    byRelation.set(relation, doc);
  }
  return doc;
}

function projectEntry(entry: DirectoryEntry, relation: ViewerRelation): SyncDoc {
  const choices = VisibilityChoices.safeParse(entry.settings?.data.visibility);
  const projected =
    entry.profile === undefined
      ? null
      : project('profile', entry.profile.data, relation, choices.success ? choices.data : undefined);
  // A tombstone carries nothing but the id, so hidden data leaves the viewer's device.
  if (projected === null) return { id: entry.ownerId, clocks: {}, _deleted: true };
  return { ...projected, _deleted: false };
}

function hasLiveId(value: unknown, id: string): boolean {
  return Array.isArray(value) && liveEntries(value as AnySetEntry[]).some((entry) => entry.id === id);
}
