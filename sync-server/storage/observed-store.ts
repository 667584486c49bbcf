// Tells listeners about every committed document write made through a store, with the state before
// and after, so features that react to changes (webhooks) need no hook in each writer. Listeners
// run after the commit, synchronously, and must only schedule work; their errors never reach the writer.
import type { AnyDoc } from '#shared/policy/table';
import type { StoredDoc, SyncedCollection, SyncStore, WriteDecision } from './store.ts';

export interface DocumentWrite {
  readonly collection: SyncedCollection;
  readonly id: string;
  /** The stored state before the write (undefined for a new document). */
  readonly before: StoredDoc | undefined;
  readonly after: { readonly data: AnyDoc; readonly deleted: boolean; readonly ownerId: string };
}

export type WriteListener = (write: DocumentWrite) => void;
export type WriteErrorReporter = (error: unknown) => void;

/** A fan-out point: modules subscribe, the observed store publishes. */
export class DocumentWrites {
  readonly #listeners = new Set<WriteListener>();

  constructor(private readonly onError: WriteErrorReporter) {}

  listen(listener: WriteListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(write: DocumentWrite): void {
    for (const listener of this.#listeners) {
      try {
        listener(write);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

type Decide<T> = (current: StoredDoc | undefined) => WriteDecision<T>;

/**
 * The same store, with `writeDocument` and `updateAccount` reporting what they wrote to `writes`
 * once their transaction committed. Every other member is the store's own (bound to it, so its
 * private state works as before).
 */
export function observeWrites(store: SyncStore, writes: DocumentWrites): SyncStore {
  const capture = <T>(collection: SyncedCollection, id: string, decide: Decide<T>) => {
    let seen: DocumentWrite | undefined;
    const observed: Decide<T> = (current) => {
      const decision = decide(current);
      seen = decision.write && { collection, id, before: current, after: decision.write };
      return decision;
    };
    const report = () => {
      if (seen !== undefined) writes.publish(seen);
    };
    return { observed, report };
  };
  const writeDocument: SyncStore['writeDocument'] = async (collection, id, decide) => {
    const { observed, report } = capture(collection, id, decide);
    const result = await store.writeDocument(collection, id, observed);
    report();
    return result;
  };
  const updateAccount: SyncStore['updateAccount'] = async (id, change, decide) => {
    const { observed, report } = capture('accounts', id, decide);
    const result = await store.updateAccount(id, change, observed);
    report();
    return result;
  };
  const overrides: Partial<Record<keyof SyncStore, unknown>> = { writeDocument, updateAccount };
  return new Proxy(store, {
    get(target, property): unknown {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) {
        return overrides[property as keyof SyncStore];
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
