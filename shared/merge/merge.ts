// The pure three-way, per-field merge every replica runs; returns the result and why each field won.
import { canonicalJson, deepEqual } from '../canonical.ts';
import { compareHlc, maxHlc, type Hlc } from '../hlc.ts';
import { clientMayWrite } from '../policy/authority.ts';
import type { MergeRule, Role } from '../policy/field.ts';
import type { AnySetEntry } from '../policy/set-entry.ts';
import { fieldsOf, replicatedFieldNames, type AnyDoc, type EntityName } from '../policy/table.ts';
import { mergeRestrictive } from './restrictive.ts';
import { mergeSets } from './set.ts';
import { missingCase } from '../errors.ts';

export type MergeWinner = 'local' | 'remote' | 'merged';

/** One field where the two sides disagreed, and how it was resolved (shown in the sync panel). */
export interface MergeDecision {
  readonly field: string;
  readonly rule: MergeRule | 'authority';
  readonly winner: MergeWinner;
  readonly reason: string;
  readonly local: unknown;
  readonly remote: unknown;
  readonly result: unknown;
}

export interface MergeResult<D extends AnyDoc> {
  readonly doc: D;
  readonly decisions: MergeDecision[];
}

/**
 * Merges `local` (this replica's fork) with `remote` (the authority's master state), given
 * `base` (the master state both started from, when known). `role` is the local user's role:
 * a field that role may not write always keeps the remote (authority) value. So does a field
 * the server refused in the push this merge answers (`refused`: invalid value, clock drift), and
 * a local value the field's schema rejects: the server never stores it, so keeping it could only
 * push the same refused value again, forever.
 */
export function merge<D extends AnyDoc>(
  entity: EntityName,
  base: D | undefined,
  local: D,
  remote: D,
  role: Role,
  refused: ReadonlySet<string> = new Set(),
): MergeResult<D> {
  const policies = fieldsOf(entity);
  const doc: Record<string, unknown> = { ...remote };
  const clocks: Record<string, Hlc> = {};
  const decisions: MergeDecision[] = [];

  for (const name of replicatedFieldNames(entity)) {
    const policy = policies[name];
    if (policy === undefined) continue;
    const sides = {
      base: base?.[name],
      local: local[name],
      remote: remote[name],
      baseClock: base?.clocks[name],
      localClock: local.clocks[name],
      remoteClock: remote.clocks[name],
    };
    const outcome = !clientMayWrite(policy, role)
      ? authorityWins(sides)
      : refused.has(name) || !policy.schema.safeParse(sides.local).success
        ? refusedByServer(sides)
        : mergeField(policy.merge, sides, base !== undefined);
    doc[name] = outcome.value;
    if (outcome.clock !== undefined) clocks[name] = outcome.clock;
    if (outcome.decision !== undefined && !deepEqual(sides.local, sides.remote)) {
      decisions.push({
        field: name,
        ...outcome.decision,
        local: sides.local,
        remote: sides.remote,
        result: outcome.value,
      });
    }
  }
  doc.clocks = clocks;
  return { doc: doc as D, decisions };
}

interface Sides {
  readonly base: unknown;
  readonly local: unknown;
  readonly remote: unknown;
  readonly baseClock: Hlc | undefined;
  readonly localClock: Hlc | undefined;
  readonly remoteClock: Hlc | undefined;
}

interface FieldOutcome {
  readonly value: unknown;
  readonly clock: Hlc | undefined;
  readonly decision?: Pick<MergeDecision, 'rule' | 'winner' | 'reason'>;
}

function mergeField(rule: MergeRule, sides: Sides, hasBase: boolean): FieldOutcome {
  switch (rule) {
    case 'lww':
      return lastWriterWins(sides);
    case 'set':
      return unionOfSets(sides, hasBase);
    case 'restrictive':
      return mostRestrictive(sides, hasBase);
    case 'server':
      return authorityWins(sides);
    default:
      return missingCase(rule);
  }
}

function lastWriterWins(sides: Sides): FieldOutcome {
  const localChanged = sides.localClock !== sides.baseClock;
  const remoteChanged = sides.remoteClock !== sides.baseClock;
  const order = compareClocks(sides.localClock, sides.remoteClock);
  const localWins = order > 0 || (order === 0 && canonicalJson(sides.local) > canonicalJson(sides.remote));
  const winner: MergeWinner = localWins ? 'local' : 'remote';
  const concurrent = localChanged && remoteChanged;
  return {
    value: localWins ? sides.local : sides.remote,
    clock: localWins ? sides.localClock : sides.remoteClock,
    ...(concurrent
      ? {
          decision: {
            rule: 'lww',
            winner,
            reason:
              order === 0
                ? 'Both edits carry the same clock; the tie is broken the same way on every device.'
                : `Both devices changed it; the later edit (${winner === 'local' ? 'this device' : 'the other device'}) wins.`,
          },
        }
      : {}),
  };
}

function unionOfSets(sides: Sides, hasBase: boolean): FieldOutcome {
  const local = asEntries(sides.local);
  const remote = asEntries(sides.remote);
  const value = mergeSets(local, remote);
  const concurrent =
    !hasBase || (sides.localClock !== sides.baseClock && sides.remoteClock !== sides.baseClock);
  const winner: MergeWinner = deepEqual(value, local)
    ? 'local'
    : deepEqual(value, remote)
      ? 'remote'
      : 'merged';
  return {
    value,
    clock: maxHlc(sides.localClock, sides.remoteClock),
    ...(concurrent
      ? {
          decision: {
            rule: 'set',
            winner,
            reason:
              'Additions and removals from both devices were combined; for the same entry the later change wins.',
          },
        }
      : {}),
  };
}

function mostRestrictive(sides: Sides, hasBase: boolean): FieldOutcome {
  const value = mergeRestrictive(hasBase ? sides.base : undefined, sides.local, sides.remote);
  const winner: MergeWinner = deepEqual(value, sides.local)
    ? 'local'
    : deepEqual(value, sides.remote)
      ? 'remote'
      : 'merged';
  const concurrent =
    !hasBase || (sides.localClock !== sides.baseClock && sides.remoteClock !== sides.baseClock);
  return {
    value,
    clock: maxHlc(sides.localClock, sides.remoteClock),
    ...(concurrent
      ? {
          decision: {
            rule: 'restrictive',
            winner,
            reason:
              'Both devices changed who may see this; the more restrictive choice wins so nothing is exposed by a conflict.',
          },
        }
      : {}),
  };
}

function authorityWins(sides: Sides): FieldOutcome {
  return {
    value: sides.remote,
    clock: sides.remoteClock,
    decision: {
      rule: 'authority',
      winner: 'remote',
      reason: 'Only the server or an administrator may change this field; the server value stays.',
    },
  };
}

function refusedByServer(sides: Sides): FieldOutcome {
  return {
    value: sides.remote,
    clock: sides.remoteClock,
    decision: {
      rule: 'authority',
      winner: 'remote',
      reason: 'The server refused this change (see the rejection); the server value stays.',
    },
  };
}

/** Clocks compare as HLCs; a field never stamped sorts before any stamp. */
function compareClocks(a: Hlc | undefined, b: Hlc | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareHlc(a, b);
}

function asEntries(value: unknown): AnySetEntry[] {
  return Array.isArray(value) ? (value as AnySetEntry[]) : [];
}
