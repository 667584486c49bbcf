// Work done after the answer is sent (mail, slow lookups), tracked so tests and shutdown can wait for it.

export type TaskErrorReporter = (error: unknown, label: string) => void;

/**
 * Flows that must not reveal whether an address is registered answer first and work afterwards:
 * the answer then takes the same time either way.
 */
export class BackgroundTasks {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly onError: TaskErrorReporter) {}

  /** Starts `task` on a later turn of the event loop, after the current answer is written. */
  run(label: string, task: () => Promise<unknown>): void {
    const pending: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .then(
        () => undefined,
        (error: unknown) => {
          this.onError(error, label);
        },
      )
      .finally(() => this.#pending.delete(pending));
    this.#pending.add(pending);
  }

  /** Resolves once every task started so far, and any they started, has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
