// RxDB conflict handler backed by the shared per-field merge; reports each decision it makes.
import type { RxConflictHandler, WithDeleted } from 'rxdb';
import { deepEqual } from '#shared/canonical';
import { merge, type MergeDecision } from '#shared/merge/merge';
import type { Role } from '#shared/policy/field';
import type { AnyDoc, EntityName } from '#shared/policy/table';

export type DecisionListener = (entity: EntityName, docId: string, decisions: MergeDecision[]) => void;

/** Compares replicated state only: RxDB's own bookkeeping never counts as a difference. */
export function sameState(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): boolean {
  return deepEqual(replicated(a), replicated(b));
}

function replicated(doc: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(doc).filter(([key]) => key === '_deleted' || !key.startsWith('_')),
  );
}

export function mergeConflictHandler<T extends AnyDoc>(
  entity: EntityName,
  role: () => Role,
  onDecisions: DecisionListener = () => undefined,
): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => sameState(a, b),
    resolve: (input) => {
      const { realMasterState: remote, newDocumentState: local, assumedMasterState: base } = input;
      // A deletion by the server (account purged) always wins: the device must wipe its copy.
      if (remote._deleted) return Promise.resolve(remote);
      const result = merge(entity, base as T | undefined, local as T, remote as T, role());
      if (result.decisions.length > 0) onDecisions(entity, remote.id, result.decisions);
      return Promise.resolve({ ...result.doc, _deleted: false } as WithDeleted<T>);
    },
  };
}
