// Fans committed changes out to open streams: one store subscription, many listeners, and one
// shared directory read per cursor however many streams are waiting on it.
import type { ChangeEvent, Checkpoint, DirectoryEntry, SyncStore } from '../storage/store.ts';

type Listener = (event: ChangeEvent) => void;

export class ChangeHub {
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribe: () => void;
  /**
   * Directory reads started since the last change event, by cursor and limit. Every directory
   * stream wakes on the same event with (mostly) the same cursor, and the entries it reads are
   * the same for every viewer (projection per viewer happens after), so they share one query
   * instead of running one each. The map is emptied on every event: a read shared after that
   * might have started before the change it announces, and miss it.
   */
  private directoryReads = new Map<string, Promise<DirectoryEntry[]>>();

  constructor(private readonly store: SyncStore) {
    this.unsubscribe = store.subscribe((event) => {
      this.directoryReads = new Map();
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

  /** `store.directorySince`, shared by every caller with the same cursor until the next change. */
  directorySince(since: Checkpoint | undefined, limit: number): Promise<DirectoryEntry[]> {
    const key = since === undefined ? `-:${limit}` : `${since.seq}:${since.id}:${limit}`;
    const reads = this.directoryReads;
    const shared = reads.get(key);
    if (shared !== undefined) return shared;
    const read = this.store.directorySince(since, limit);
    reads.set(key, read);
    // A failed read is not kept: the next caller tries again.
    read.catch(() => {
      if (reads.get(key) === read) reads.delete(key);
    });
    return read;
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
    this.directoryReads = new Map();
  }
}
