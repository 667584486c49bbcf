// The delivery worker of one server process: every poll interval (and at once when something was
// queued here) it claims due deliveries from the shared queue and attempts them, a few at a time.
// Several processes may run one each; the claim is atomic and leased, so a delivery is attempted
// by one worker at a time, and one whose worker died is taken up again when its lease lapses.
import { randomBytes } from 'node:crypto';
import { attemptDelivery, type AttemptDeps } from './attempt.ts';

const BATCH = 8;
/** A claim outlives the longest attempt by this much before another worker may take it over. */
const LEASE_MARGIN_MS = 30_000;
const DAY_MS = 86_400_000;
/** Old log entries are pruned at most this often. */
const PRUNE_INTERVAL_MS = 3_600_000;

export type WorkerErrorReporter = (error: unknown) => void;

export class DeliveryWorker {
  readonly id = `worker_${randomBytes(6).toString('hex')}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #lastPrune = 0;

  constructor(
    private readonly deps: AttemptDeps,
    private readonly onError: WorkerErrorReporter,
  ) {}

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Looks for due deliveries now rather than at the next poll. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#drain()
      .catch((error: unknown) => {
        this.onError(error);
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.kick();
          return;
        }
        this.#timer = setTimeout(() => {
          this.kick();
        }, this.deps.settings.pollMs);
        this.#timer.unref();
      });
  }

  /** Stops claiming; resolves once the attempts in flight are recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Claims and attempts batches until nothing is due (or the worker stops). */
  async #drain(): Promise<void> {
    const leaseMs = this.deps.settings.timeoutMs + LEASE_MARGIN_MS;
    while (!this.#stopped) {
      const now = this.deps.now();
      const claims = await this.deps.store.webhooks.claimDue(
        this.id,
        new Date(now).toISOString(),
        new Date(now + leaseMs).toISOString(),
        BATCH,
      );
      await Promise.all(
        claims.map((claim) =>
          attemptDelivery(this.deps, claim, this.id).catch((error: unknown) => {
            this.onError(error);
          }),
        ),
      );
      if (claims.length < BATCH) break;
    }
    await this.#prune();
  }

  async #prune(): Promise<void> {
    const now = this.deps.now();
    if (now - this.#lastPrune < PRUNE_INTERVAL_MS) return;
    this.#lastPrune = now;
    const before = new Date(now - this.deps.settings.logRetentionDays * DAY_MS).toISOString();
    await this.deps.store.webhooks.pruneDeliveries(before);
  }
}
