// The store's own subscribers: committed change events fanned out in this process.
import type { ChangeEvent } from './store.ts';

/** Where the store reports failures it cannot throw to a caller (a listener, a lost connection). */
export type StoreErrorReporter = (error: unknown, context: string) => void;

export const reportToStderr: StoreErrorReporter = (error, context) => {
  console.error(`[accord storage] ${context}:`, error);
};

export class Subscribers {
  // Entries are wrapper objects so one function subscribed twice is called twice and unsubscribes once.
  readonly #listeners = new Set<{ readonly listener: (event: ChangeEvent) => void }>();

  constructor(private readonly onError: StoreErrorReporter) {}

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    const entry = { listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: ChangeEvent): void {
    // A throwing listener must neither undo a committed write nor starve the other listeners.
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error, `change listener failed on ${event.collection} seq ${event.seq}`);
      }
    }
  }
}
