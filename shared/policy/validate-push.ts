// The server's authority check on a pushed document: field by field, against the policy and the
// caller's role. Valid fields apply; a rejected field keeps the master value with a fresh server
// stamp so every client's merge adopts it (no push loop), and a rejection record says why (I4, I6).
import { z } from 'zod';
import { deepEqual } from '../canonical.ts';
import { Hlc, MAX_CLOCK_DRIFT_MS, parseHlc, compareHlc, type HybridClock } from '../hlc.ts';
import { clientMayWrite } from './authority.ts';
import type { FieldPolicy, Role } from './field.ts';
import type { AnySetEntry } from './set-entry.ts';
import { documentSchemas, fieldsOf, newDocument, type AnyDoc, type EntityName } from './table.ts';

export const RejectionCode = z.enum(['forbidden_field', 'unknown_field', 'invalid_value', 'clock_drift']);
export type RejectionCode = z.infer<typeof RejectionCode>;

export const Rejection = z.object({
  docId: z.string(),
  field: z.string(),
  code: RejectionCode,
  message: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export interface PushContext {
  readonly role: Role;
  /** The server's clock: observes accepted stamps, stamps rejected and re-stamped fields. */
  readonly clock: HybridClock;
  readonly physicalNow: number;
  readonly maxDriftMs?: number;
}

export interface PushOutcome {
  /** The document to store: master plus the accepted fields. */
  readonly doc: AnyDoc;
  readonly rejections: Rejection[];
  /** Fields whose value changed. */
  readonly changed: string[];
  /** True when the stored doc differs from what was pushed, so the client must adopt it. */
  readonly differsFromPush: boolean;
}

const DOCUMENT_KEYS = new Set(['id', 'clocks']);

export function applyPush(
  entity: EntityName,
  master: AnyDoc | undefined,
  pushed: Record<string, unknown>,
  context: PushContext,
): PushOutcome {
  const docId = String(pushed.id);
  const base: AnyDoc = master ?? newDocument(entity, docId);
  const policies = fieldsOf(entity);
  const pushedClocks = isPlainObject(pushed.clocks) ? pushed.clocks : {};
  const doc: Record<string, unknown> = { ...base };
  const clocks: Record<string, string> = { ...(base.clocks as Record<string, string>) };
  const rejections: Rejection[] = [];
  const changed: string[] = [];
  const reject = (field: string, code: RejectionCode, message: string) =>
    rejections.push({ docId, field, code, message });

  for (const name of Object.keys(pushed)) {
    if (DOCUMENT_KEYS.has(name)) continue;
    const policy = Object.hasOwn(policies, name) ? policies[name] : undefined;
    if (policy === undefined || !policy.replicated) {
      reject(name, 'unknown_field', `${entity} has no field "${name.slice(0, 64)}"; it was ignored.`);
      continue;
    }
    const value = pushed[name];
    if (deepEqual(value, base[name])) continue;
    const verdict = checkField(policy, name, value, pushedClocks[name], base[name], clocks[name], context);
    if (verdict.ok) {
      doc[name] = verdict.value;
      clocks[name] = verdict.clock;
      changed.push(name);
      for (const r of verdict.rejections) reject(r.field, r.code, r.message);
    } else {
      reject(name, verdict.code, verdict.message);
      clocks[name] = context.clock.now();
    }
  }
  doc.clocks = clocks;
  const stored = documentSchemas[entity].parse(doc) as unknown as AnyDoc;
  return { doc: stored, rejections, changed, differsFromPush: !deepEqual(stored, withoutMeta(pushed)) };
}

type FieldVerdict =
  | { ok: true; value: unknown; clock: string; rejections: Omit<Rejection, 'docId'>[] }
  | { ok: false; code: RejectionCode; message: string };

function checkField(
  policy: FieldPolicy,
  name: string,
  value: unknown,
  rawClock: unknown,
  masterValue: unknown,
  masterClock: string | undefined,
  context: PushContext,
): FieldVerdict {
  if (!clientMayWrite(policy, context.role)) {
    return {
      ok: false,
      code: 'forbidden_field',
      message: `${policy.label} can only be changed by ${writerName(policy)}.`,
    };
  }
  const clock = Hlc.safeParse(rawClock);
  if (!clock.success) {
    return {
      ok: false,
      code: 'invalid_value',
      message: `${policy.label} was changed without a valid clock.`,
    };
  }
  const drift = driftMessage(clock.data, policy.label, context);
  if (drift !== undefined) return { ok: false, code: 'clock_drift', message: drift };
  const parsed = policy.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    return {
      ok: false,
      code: 'invalid_value',
      message: `${policy.label}${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  let accepted: unknown = parsed.data;
  const nested: Omit<Rejection, 'docId'>[] = [];
  if (policy.merge === 'set') {
    for (const entry of accepted as AnySetEntry[]) {
      const entryDrift = driftMessage(entry.at, policy.label, context);
      if (entryDrift !== undefined) return { ok: false, code: 'clock_drift', message: entryDrift };
    }
    if (policy.serverOwnedKeys.length > 0) {
      const kept = keepServerOwnedKeys(policy, name, accepted as AnySetEntry[], masterValue);
      accepted = kept.entries;
      nested.push(...kept.rejections);
    }
  }
  context.clock.observe(clock.data);
  // The edit was made on top of the master, so it must sort after it; a device whose clock
  // lags can stamp lower, and then the server re-stamps it rather than lose the edit (I2).
  const stamp =
    masterClock !== undefined && compareHlc(clock.data, masterClock) <= 0 ? context.clock.now() : clock.data;
  return { ok: true, value: accepted, clock: stamp, rejections: nested };
}

function driftMessage(clock: string, label: string, context: PushContext): string | undefined {
  const ahead = parseHlc(clock).wall - context.physicalNow;
  const bound = context.maxDriftMs ?? MAX_CLOCK_DRIFT_MS;
  if (ahead <= bound) return undefined;
  return `${label}: this device's clock is ${Math.round(ahead / 1000)} s ahead of the server (at most ${bound / 1000} s allowed); correct the device's date and time.`;
}

/** Server-owned keys of set elements (e.g. `verified`) keep the master's value, or false when new. */
function keepServerOwnedKeys(
  policy: FieldPolicy,
  name: string,
  entries: AnySetEntry[],
  masterValue: unknown,
): { entries: AnySetEntry[]; rejections: Omit<Rejection, 'docId'>[] } {
  const masterById = new Map(
    (Array.isArray(masterValue) ? (masterValue as AnySetEntry[]) : []).map((e) => [e.id, e]),
  );
  const rejections: Omit<Rejection, 'docId'>[] = [];
  const kept = entries.map((entry) => {
    if (entry.removed || !isPlainObject(entry.value)) return entry;
    const masterEntryValue = masterById.get(entry.id)?.value;
    const value: Record<string, unknown> = { ...entry.value };
    for (const key of policy.serverOwnedKeys) {
      const serverValue = isPlainObject(masterEntryValue) ? (masterEntryValue[key] ?? false) : false;
      if (value[key] !== serverValue) {
        rejections.push({
          field: `${name}.${key}`,
          code: 'forbidden_field',
          message: `${policy.label}: "${key}" is set by the server (after verification), not by the app.`,
        });
        value[key] = serverValue;
      }
    }
    return { ...entry, value };
  });
  return { entries: kept, rejections };
}

function writerName(policy: FieldPolicy): string {
  return policy.writer === 'admin'
    ? 'an administrator'
    : policy.writer === 'server'
      ? 'the server'
      : 'its owner';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutMeta(pushed: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pushed).filter(([key]) => key !== '_deleted'));
}
