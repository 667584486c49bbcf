// Fans committed changes out to open streams: one store subscription, many listeners.
import type { ChangeEvent, SyncStore } from '../storage/store.ts';

type Listener = (event: ChangeEvent) => void;

export class ChangeHub {
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribe: () => void;

  constructor(store: SyncStore) {
    this.unsubscribe = store.subscribe((event) => {
      for (const listener of this.listeners) listener(event);
    });
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
