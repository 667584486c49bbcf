// Typed local documents (RxDB's per-database key/value store that never replicates): each key has
// a zod schema, reads are parsed (stored data is repaired, not trusted) and writes are serialised.
import { map, type Observable } from 'rxjs';
import type { z } from 'zod';
import type { AccordDatabase } from './database.ts';

export interface LocalKey<T> {
  readonly id: string;
  readonly schema: z.ZodType<T>;
  readonly fallback: T;
}

export function localKey<T>(id: string, schema: z.ZodType<T>, fallback: T): LocalKey<T> {
  return { id, schema, fallback };
}

function dataOf(doc: { toJSON(): unknown } | null): unknown {
  if (doc === null) return undefined;
  const json = doc.toJSON() as { data?: unknown };
  return json.data;
}

export class LocalStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: AccordDatabase) {}

  private parse<T>(key: LocalKey<T>, data: unknown): T {
    if (data === undefined) return key.fallback;
    const parsed = key.schema.safeParse(data);
    return parsed.success ? parsed.data : key.fallback;
  }

  async get<T>(key: LocalKey<T>): Promise<T> {
    return this.parse(key, dataOf(await this.db.getLocal(key.id)));
  }

  watch<T>(key: LocalKey<T>): Observable<T> {
    return this.db.getLocal$(key.id).pipe(map((doc) => this.parse(key, dataOf(doc))));
  }

  /** Read-modify-write, one at a time, so concurrent log appends never overwrite each other. */
  update<T>(key: LocalKey<T>, change: (current: T) => T): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.db.closed) return key.fallback;
      const next = change(await this.get(key));
      await this.db.upsertLocal(key.id, next as Record<string, unknown>);
      return next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  remove(id: string): Promise<void> {
    const run = this.queue.then(async () => {
      const doc = await this.db.getLocal(id);
      await doc?.remove();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
