// Server writes to a profile's email and phone entries: the server-owned keys (`verified`,
// `primary`) and the canonical spelling of a number. Each changed element and its field get a fresh
// server clock, so every device's merge adopts the server's element (DESIGN.md "Sync model").
import type { z } from 'zod';
import type { ContactKind } from '#shared/contract/contact';
import type { HybridClock } from '#shared/hlc';
import { profileFields } from '#shared/entities/profile';
import { putEntry } from '#shared/merge/set';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc } from '#shared/policy/table';
import type { SyncStore } from '../storage/store.ts';
import { contactEntries, differs, type EntryTarget } from './entries.ts';

type EmailEntries = z.infer<typeof profileFields.emails.schema>;
type PhoneEntries = z.infer<typeof profileFields.phones.schema>;

export interface EntryPatch {
  readonly kind: ContactKind;
  readonly entryId: string;
  /** The address as the entry held it when the patch was planned; a changed entry is left alone. */
  readonly expect: string;
  readonly target: EntryTarget;
}

export interface ProfileWriteDeps {
  readonly store: SyncStore;
  readonly clock: HybridClock;
}

/** Applies the patches whose entries are unchanged since planning; returns the ids that now hold their target. */
export function patchEntries(
  deps: ProfileWriteDeps,
  userId: string,
  patches: readonly EntryPatch[],
): Promise<string[]> {
  if (patches.length === 0) return Promise.resolve([]);
  return deps.store.writeDocument('profiles', userId, (current) => {
    if (current === undefined || current.deleted) return { result: [] };
    const live = new Map(
      contactEntries(current.data).map((entry) => [`${entry.kind}:${entry.entryId}`, entry]),
    );
    // Only entries unchanged since planning; those already as wanted (another process may have
    // written them) need no write.
    const unchanged = patches.flatMap((patch) => {
      const entry = live.get(`${patch.kind}:${patch.entryId}`);
      return entry?.stored === patch.expect ? [{ patch, entry }] : [];
    });
    const due = unchanged
      .filter(({ patch, entry }) => differs(entry, patch.target))
      .map(({ patch }) => patch);
    const settled = unchanged.map(({ patch }) => patch.entryId);
    if (due.length === 0) return { result: settled };
    const stamp = () => deps.clock.now();
    const doc = current.data;
    const emails = patchEmails(doc, due, stamp);
    const phones = patchPhones(doc, due, stamp);
    const data = applyLocalEdit('profile', doc, { emails, phones }, stamp);
    return {
      write: { data, deleted: false, ownerId: current.ownerId },
      result: settled,
    };
  });
}

function patchEmails(doc: AnyDoc, patches: readonly EntryPatch[], stamp: () => string): EmailEntries {
  let entries = profileFields.emails.schema.parse(doc.emails);
  for (const patch of patches) {
    if (patch.kind !== 'email') continue;
    const entry = entries.find((candidate) => candidate.id === patch.entryId);
    if (entry === undefined || entry.removed) continue;
    const value = { ...entry.value, verified: patch.target.verified, primary: patch.target.primary };
    entries = putEntry(entries, { id: entry.id, at: stamp(), removed: false, value });
  }
  return entries;
}

function patchPhones(doc: AnyDoc, patches: readonly EntryPatch[], stamp: () => string): PhoneEntries {
  let entries = profileFields.phones.schema.parse(doc.phones);
  for (const patch of patches) {
    if (patch.kind !== 'phone') continue;
    const entry = entries.find((candidate) => candidate.id === patch.entryId);
    if (entry === undefined || entry.removed) continue;
    const value = { ...entry.value, verified: patch.target.verified, number: patch.target.stored };
    entries = putEntry(entries, { id: entry.id, at: stamp(), removed: false, value });
  }
  return entries;
}
