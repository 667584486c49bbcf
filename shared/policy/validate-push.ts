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
    if (deepEqual(value, base[name])) {
      // The master's value under a newer clock: a device's merge kept it as its own later edit.
      // Keep that clock, so the device's state is the master (otherwise it differs in the clock
      // alone, gets the master back as a conflict and pushes the same again, forever) and a
      // later last-writer-wins comparison still sees the later edit.
      const later = laterClock(policy, pushedClocks[name], clocks[name], context);
      if (later?.drift !== undefined) {
        reject(name, 'clock_drift', later.drift);
        clocks[name] = stampAfter(context, clocks[name]);
      } else if (later !== undefined) {
        context.clock.observe(later.clock);
        clocks[name] = later.clock;
      }
      continue;
    }
    const verdict = checkField(policy, name, value, pushedClocks[name], base[name], clocks[name], context);
    if (verdict.ok) {
      doc[name] = verdict.value;
      clocks[name] = verdict.clock;
      changed.push(name);
      for (const r of verdict.rejections) reject(r.field, r.code, r.message);
    } else {
      reject(name, verdict.code, verdict.message);
      // After the pushed clock too, or the device's own (higher) stamp would win its merge.
      clocks[name] = stampAfter(context, pushedClocks[name], clocks[name]);
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
      const kept = keepServerOwnedKeys(policy, name, accepted as AnySetEntry[], masterValue, context);
      accepted = kept.entries;
      nested.push(...kept.rejections);
    }
  }
  context.clock.observe(clock.data);
  // The edit was made on top of the master, so it must sort after it; a device whose clock
  // lags can stamp lower, and then the server re-stamps it rather than lose the edit (I2).
  // A value stored other than pushed (parsed, server-owned keys restored) is re-stamped too,
  // so the device's merge adopts the stored form instead of pushing its own again.
  const stale = masterClock !== undefined && compareHlc(clock.data, masterClock) <= 0;
  const stamp =
    stale || !deepEqual(accepted, value) ? stampAfter(context, clock.data, masterClock) : clock.data;
  return { ok: true, value: accepted, clock: stamp, rejections: nested };
}

/** A valid pushed clock after the master's, for a field this role may write (with why it is refused). */
function laterClock(
  policy: FieldPolicy,
  rawClock: unknown,
  masterClock: string | undefined,
  context: PushContext,
): { clock: Hlc; drift: string | undefined } | undefined {
  const clock = Hlc.safeParse(rawClock);
  if (!clock.success || !clientMayWrite(policy, context.role)) return undefined;
  if (masterClock !== undefined && compareHlc(clock.data, masterClock) <= 0) return undefined;
  return { clock: clock.data, drift: driftMessage(clock.data, policy.label, context) };
}

/**
 * A fresh server stamp that sorts after each given clock (master or pushed) the server may
 * observe: the server clock may not have seen them (e.g. after a restart). A clock beyond the
 * drift bound is not observed; such a push was refused with `clock_drift`.
 */
function stampAfter(context: PushContext, ...seen: unknown[]): Hlc {
  for (const value of seen) {
    const parsed = Hlc.safeParse(value);
    if (parsed.success && context.clock.isWithinDrift(parsed.data)) context.clock.observe(parsed.data);
  }
  return context.clock.now();
}

function driftMessage(clock: string, label: string, context: PushContext): string | undefined {
  const ahead = parseHlc(clock).wall - context.physicalNow;
  const bound = context.maxDriftMs ?? MAX_CLOCK_DRIFT_MS;
  if (ahead <= bound) return undefined;
  return `${label}: this device's clock is ${Math.round(ahead / 1000)} s ahead of the server (at most ${bound / 1000} s allowed); correct the device's date and time.`;
}

/**
 * Server-owned keys of set elements (e.g. `verified`) keep the master's value, or false when new.
 * An element whose keys were restored gets a server stamp after its own, so the device's set
 * merge adopts the server's element rather than keep (and push again) its own.
 */
function keepServerOwnedKeys(
  policy: FieldPolicy,
  name: string,
  entries: AnySetEntry[],
  masterValue: unknown,
  context: PushContext,
): { entries: AnySetEntry[]; rejections: Omit<Rejection, 'docId'>[] } {
  const masterById = new Map(
    (Array.isArray(masterValue) ? (masterValue as AnySetEntry[]) : []).map((e) => [e.id, e]),
  );
  const rejections: Omit<Rejection, 'docId'>[] = [];
  const kept = entries.map((entry) => {
    if (entry.removed || !isPlainObject(entry.value)) return entry;
    const masterEntryValue = masterById.get(entry.id)?.value;
    const value: Record<string, unknown> = { ...entry.value };
    let restored = false;
    for (const key of policy.serverOwnedKeys) {
      const serverValue = isPlainObject(masterEntryValue) ? (masterEntryValue[key] ?? false) : false;
      if (value[key] !== serverValue) {
        rejections.push({
          field: `${name}.${key}`,
          code: 'forbidden_field',
          message: `${policy.label}: "${key}" is set by the server (after verification), not by the app.`,
        });
        value[key] = serverValue;
        restored = true;
      }
    }
    return restored ? { ...entry, value, at: stampAfter(context, entry.at) } : { ...entry, value };
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
