// Runs reconciliations one at a time per user, folding a burst of changes into one more run, and
// lets shutdown wait for the runs in flight. (Across processes the store's compare-and-set writes
// keep concurrent runs from sending twice.)

export type RunErrorReporter = (error: unknown, userId: string) => void;

export class PerUserRuns {
  readonly #running = new Map<string, Promise<void>>();
  /** A run queued behind the running one; every request meanwhile shares it. */
  readonly #queued = new Map<string, Promise<void>>();

  constructor(
    private readonly task: (userId: string) => Promise<void>,
    private readonly onError: RunErrorReporter,
  ) {}

  /** Resolves after a run that started after this call has finished (it never rejects). */
  request(userId: string): Promise<void> {
    const queued = this.#queued.get(userId);
    if (queued !== undefined) return queued;
    const before = this.#running.get(userId) ?? Promise.resolve();
    const run = before.then(async () => {
      this.#queued.delete(userId);
      this.#running.set(userId, run);
      try {
        await this.task(userId);
      } catch (error) {
        this.onError(error, userId);
      } finally {
        if (this.#running.get(userId) === run) this.#running.delete(userId);
      }
    });
    this.#queued.set(userId, run);
    return run;
  }

  async drain(): Promise<void> {
    while (this.#running.size > 0 || this.#queued.size > 0) {
      await Promise.all([...this.#running.values(), ...this.#queued.values()]);
    }
  }
}
