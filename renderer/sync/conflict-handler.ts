// RxDB conflict handler backed by the shared per-field merge; reports each decision it makes.
import type { RxConflictHandler, WithDeleted } from 'rxdb';
import { deepEqual } from '#shared/canonical';
import { merge, type MergeDecision } from '#shared/merge/merge';
import type { Role } from '#shared/policy/field';
import type { AnyDoc, EntityName } from '#shared/policy/table';
import type { Rejection } from '#shared/policy/validate-push';

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

/**
 * Fields the server refused in a push (invalid value, clock drift), per document. The push
 * handler notes them (`onRejections`); the merge that answers the same push takes them and keeps
 * the server's value, so the device adopts it instead of pushing the refused value again forever.
 */
export class RefusedFields {
  readonly #byDoc = new Map<string, Set<string>>();

  note(rejections: readonly Rejection[]): void {
    for (const { docId, field } of rejections) {
      // Nested rejections (`emails.verified`) are answered by a re-stamped element instead.
      if (field.includes('.')) continue;
      const fields = this.#byDoc.get(docId) ?? new Set<string>();
      fields.add(field);
      this.#byDoc.set(docId, fields);
    }
  }

  take(docId: string): ReadonlySet<string> {
    const fields = this.#byDoc.get(docId) ?? new Set<string>();
    this.#byDoc.delete(docId);
    return fields;
  }
}

export function mergeConflictHandler<T extends AnyDoc>(
  entity: EntityName,
  role: () => Role,
  onDecisions: DecisionListener = () => undefined,
  refused: RefusedFields = new RefusedFields(),
): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => sameState(a, b),
    resolve: (input) => {
      const { realMasterState: remote, newDocumentState: local, assumedMasterState: base } = input;
      // A deletion by the server (account purged) always wins: the device must wipe its copy.
      if (remote._deleted) return Promise.resolve(remote);
      const result = merge(
        entity,
        base as T | undefined,
        local as T,
        remote as T,
        role(),
        refused.take(remote.id),
      );
      if (result.decisions.length > 0) onDecisions(entity, remote.id, result.decisions);
      return Promise.resolve({ ...result.doc, _deleted: false } as WithDeleted<T>);
    },
  };
}
