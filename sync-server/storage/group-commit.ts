// Group commit for document writes: writes that arrive while the previous batch is committing (or
// in the same turn of the event loop) share the next transaction, so one fsync (SQLite) or WAL
// flush (PostgreSQL) acknowledges all of them instead of one each. Each write still runs alone
// inside its own savepoint: a write that fails is rolled back and rejected without touching the
// others, and every write is acknowledged only after the transaction holding it has committed.
// Measured with bench/push-throughput.ts (16 clients, SQLite): the commit, one per push, was most
// of the push handler's time; batched, it is shared by every push in flight.

/** One queued write: what it locks (its document), and its work inside the shared transaction. */
export interface BatchedWrite<Trx, R> {
  /** Sort key of the lock the write takes; locks are taken in this order, up front, to avoid deadlocks. */
  readonly lockKey: string;
  readonly lock: (trx: Trx) => Promise<void>;
  readonly run: (trx: Trx) => Promise<R>;
}

export interface GroupCommitOptions<Trx> {
  /** Runs `body` in one transaction; commits when it resolves, rolls back when it rejects. */
  readonly transaction: <T>(body: (trx: Trx) => Promise<T>) => Promise<T>;
  /** Runs one SQL statement without parameters in the transaction (the savepoint commands). */
  readonly execute: (trx: Trx, statement: string) => Promise<void>;
  /** The most writes one transaction carries; more wait for the next. */
  readonly maxBatch?: number;
}

interface Queued<Trx> {
  readonly write: BatchedWrite<Trx, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Settled =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

const SAVEPOINT = 'accord_write';
const DEFAULT_MAX_BATCH = 128;
/** A batch that began less than this long ago means writes are arriving faster than they commit. */
const BUSY_WINDOW_MS = 10;

export class GroupCommit<Trx> {
  readonly #queue: Queued<Trx>[] = [];
  #busy = false;
  #lastFlushStarted = Number.NEGATIVE_INFINITY;
  readonly #maxBatch: number;

  constructor(private readonly options: GroupCommitOptions<Trx>) {
    this.#maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Resolves with the write's result once its transaction committed. */
  submit<R>(write: BatchedWrite<Trx, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#busy) return;
    this.#busy = true;
    const flush = () => {
      void this.#flush();
    };
    // Busy (a batch began moments ago): wait for the rest of this turn's I/O callbacks, so the
    // requests that arrived together (e.g. while SQLite's synchronous commit held the thread)
    // share the next transaction. Quiet: write at once, as without batching, so a lone write waits
    // for nothing and code that awaits a write without ever yielding to I/O still progresses.
    if (performance.now() - this.#lastFlushStarted < BUSY_WINDOW_MS) setImmediate(flush);
    else queueMicrotask(flush);
  }

  async #flush(): Promise<void> {
    this.#lastFlushStarted = performance.now();
    const batch = this.#queue.splice(0, this.#maxBatch);
    let settled: Settled[] | undefined;
    let failure: unknown;
    try {
      settled = await this.options.transaction((trx) => this.#runBatch(trx, batch));
    } catch (error) {
      failure = error;
    }
    // Acknowledged only now, after the commit (or all refused when the transaction failed).
    batch.forEach((queued, i) => {
      const outcome = settled?.[i];
      if (outcome === undefined) queued.reject(failure);
      else if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
    this.#busy = false;
    if (this.#queue.length > 0) this.#schedule();
  }

  async #runBatch(trx: Trx, batch: readonly Queued<Trx>[]): Promise<Settled[]> {
    // A lone write needs no savepoint: its failure rolls back a transaction that holds only it.
    if (batch.length === 1 && batch[0] !== undefined) {
      const { write } = batch[0];
      await write.lock(trx);
      return [{ ok: true, value: await write.run(trx) }];
    }
    // Every lock of the batch first, in one global order: two processes' batches never deadlock.
    const locks = new Map<string, BatchedWrite<Trx, unknown>>();
    for (const { write } of batch) if (!locks.has(write.lockKey)) locks.set(write.lockKey, write);
    for (const key of [...locks.keys()].sort()) await locks.get(key)?.lock(trx);
    // Then the writes in arrival order, so two writes to one document apply as they came.
    const settled: Settled[] = [];
    for (const { write } of batch) {
      await this.options.execute(trx, `savepoint ${SAVEPOINT}`);
      try {
        const value = await write.run(trx);
        await this.options.execute(trx, `release savepoint ${SAVEPOINT}`);
        settled.push({ ok: true, value });
      } catch (error) {
        await this.options.execute(trx, `rollback to savepoint ${SAVEPOINT}`);
        await this.options.execute(trx, `release savepoint ${SAVEPOINT}`);
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }
}
