// Direct replication calls as a signed-in owner (no RxDB): pull a document, push a stamped patch.
// Used to set up state (canaries) and by fault tests that drive the wire protocol themselves.
import { HybridClock, type Hlc } from '#shared/hlc';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc, EntityName } from '#shared/policy/table';

export type OwnCollection = 'profiles' | 'settings';
export const entityOfCollection: Record<OwnCollection, EntityName> = {
  profiles: 'profile',
  settings: 'settings',
};

export interface PushReply {
  readonly conflicts: Record<string, unknown>[];
  readonly rejections: { docId: string; field: string; code: string; message: string }[];
}

export interface OwnerApi {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
}

/** The caller's own document of a collection, as the server holds it (with `_deleted`). */
export async function pullOwn(api: OwnerApi, collection: OwnCollection): Promise<Record<string, unknown>> {
  const response = await (api.fetch ?? fetch)(`${api.baseUrl}/api/sync/${collection}/pull?limit=10`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (response.status !== 200) throw new Error(`pull ${collection} answered ${response.status}`);
  const body = (await response.json()) as { documents: Record<string, unknown>[] };
  const [doc] = body.documents;
  if (doc === undefined) throw new Error(`no ${collection} document`);
  return doc;
}

/** Sends one push row; returns the status and the parsed answer (undefined when not JSON). */
export async function pushRow(
  api: OwnerApi,
  collection: OwnCollection,
  assumedMasterState: Record<string, unknown> | null,
  newDocumentState: Record<string, unknown>,
): Promise<{ status: number; body: PushReply | undefined }> {
  const response = await (api.fetch ?? fetch)(`${api.baseUrl}/api/sync/${collection}/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rows: [{ assumedMasterState, newDocumentState }] }),
  });
  const body = (await response.json().catch(() => undefined)) as PushReply | undefined;
  return { status: response.status, body };
}

/**
 * Pulls the owner's document, applies `patch` (built from the current document and a clock, so
 * set elements can be stamped) as a local edit, and pushes it against the pulled master.
 */
export async function pushOwnPatch(
  api: OwnerApi,
  collection: OwnCollection,
  patch: (doc: Record<string, unknown>, stamp: () => Hlc) => Record<string, unknown>,
  clock: HybridClock = new HybridClock('owner_api'),
): Promise<PushReply> {
  const master = await pullOwn(api, collection);
  const stamp = () => clock.now();
  const next = applyLocalEdit(entityOfCollection[collection], master as AnyDoc, patch(master, stamp), stamp);
  const { status, body } = await pushRow(api, collection, master, { ...next, _deleted: false });
  if (status !== 200 || body === undefined) throw new Error(`push ${collection} answered ${status}`);
  return body;
}
