// A profile editor as a device runs one: its own clock, the master state it last saw, and pushes
// over the replication API (the same request the RxDB client sends).
import { z } from 'zod';
import { ProfileSyncDoc } from '#shared/contract/sync';
import { HybridClock } from '#shared/hlc';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc } from '#shared/policy/table';
import { Rejection } from '#shared/policy/validate-push';
import { callJson, type Caller } from './http.ts';

export const PushResponse = z.object({ conflicts: z.array(ProfileSyncDoc), rejections: z.array(Rejection) });
const PullResponse = z.object({ documents: z.array(ProfileSyncDoc) });

export interface Editor {
  readonly userId: string;
  readonly clock: HybridClock;
  master: AnyDoc;
}

export function stripDeleted(doc: Readonly<Record<string, unknown>>): AnyDoc {
  const { _deleted: _ignored, ...data } = doc;
  return data as AnyDoc;
}

/** Starts from the profile the server holds, as a device does after its first pull. */
export async function openEditor(caller: Caller, userId: string, node: string): Promise<Editor> {
  const pulled = await callJson(caller, 'GET', '/api/sync/profiles/pull?limit=1', PullResponse);
  const master = pulled.documents[0];
  if (master === undefined) throw new Error(`no profile for ${userId}`);
  return { userId, clock: new HybridClock(node), master: stripDeleted(master) };
}

/** The edited document, every changed field stamped with the editor's clock. */
export function edited(editor: Editor, patch: Readonly<Record<string, unknown>>): AnyDoc {
  return applyLocalEdit('profile', editor.master, patch, () => editor.clock.now());
}

export function pushRow(editor: Editor, doc: AnyDoc) {
  return {
    assumedMasterState: { ...editor.master, _deleted: false },
    newDocumentState: { ...doc, _deleted: false },
  };
}

/** Pushes `doc` and adopts what the server stored; a rejection is a benchmark bug and throws. */
export async function pushEdit(caller: Caller, editor: Editor, doc: AnyDoc): Promise<void> {
  const result = await callJson(caller, 'POST', '/api/sync/profiles/push', PushResponse, {
    rows: [pushRow(editor, doc)],
  });
  adopt(editor, doc, result);
}

export function adopt(
  editor: Editor,
  doc: AnyDoc,
  result: {
    readonly conflicts: readonly Record<string, unknown>[];
    readonly rejections: readonly Rejection[];
  },
): void {
  if (result.rejections.length > 0) throw new Error(`push rejected: ${JSON.stringify(result.rejections)}`);
  // When the server stores something other than what was pushed, it comes back as a conflict.
  editor.master = result.conflicts[0] === undefined ? doc : stripDeleted(result.conflicts[0]);
}
