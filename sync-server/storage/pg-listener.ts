// Receives change events committed by any process through PostgreSQL LISTEN, reconnecting when the
// connection drops and replaying what was committed while it was down.
import { Client, escapeIdentifier } from 'pg';
import type { Subscribers, StoreErrorReporter } from './subscribers.ts';
import { ChangeEventSchema } from './rows.ts';
import type { ChangeEvent } from './store.ts';

export interface ChangeSource {
  /** The change sequence's current value (0 before the schema exists). */
  head(): Promise<number>;
  /** One event per document owner and collection, and per directory entry, changed after `seq`, in seq order. */
  changesAfter(seq: number): Promise<ChangeEvent[]>;
}

export interface ChangeListenerOptions {
  readonly url: string;
  readonly channel: string;
  readonly source: ChangeSource;
  readonly subscribers: Subscribers;
  readonly onError: StoreErrorReporter;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

export class ChangeListener {
  #client: Client | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay = FIRST_RETRY_MS;
  /**
   * The highest seq delivered. Writers take seqs under one row lock and notify at commit, so
   * notifications arrive in seq order: anything at or below this was delivered or replayed.
   */
  #lastSeq: number | undefined;
  /** Notifications held back while a replay runs, so they are neither lost nor delivered twice. */
  #held: ChangeEvent[] | undefined;

  constructor(private readonly options: ChangeListenerOptions) {}

  /** The first connection; failing here fails opening the store. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end();
  }

  async #connect(): Promise<void> {
    const { url, channel, source } = this.options;
    const client = new Client({
      connectionString: url,
      application_name: 'accord-listener',
      // An idle LISTEN connection sends nothing, so only keepalive probes notice a peer that vanished.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('error', (error) => {
      this.options.onError(error, 'change listener connection failed');
    });
    client.on('end', () => {
      this.#onEnd(client);
    });
    client.on('notification', (message) => {
      if (message.channel === channel) this.#onNotification(message.payload);
    });
    this.#client = client;
    this.#held = [];
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(channel)}`);
      if (this.#lastSeq === undefined) {
        // Nothing can have subscribed before the store opened, so there is nothing to replay yet.
        this.#lastSeq = await source.head();
      } else {
        for (const event of await source.changesAfter(this.#lastSeq)) this.#deliver(event);
      }
      const held = this.#held;
      this.#held = undefined;
      for (const event of held) this.#deliver(event);
      this.#retryDelay = FIRST_RETRY_MS;
    } catch (error) {
      this.#held = undefined;
      // close() ended this client itself; the failure is its doing, not news.
      if (this.#closed) return;
      // Detach first so this client's 'end' schedules no reconnect: the caller decides whether to retry.
      this.#client = undefined;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  #onEnd(client: Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(delay * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed) return;
      this.#connect().catch((error: unknown) => {
        this.options.onError(error, 'change listener could not reconnect');
        this.#scheduleReconnect();
      });
    }, delay);
  }

  #onNotification(payload: string | undefined): void {
    let event: ChangeEvent;
    try {
      event = ChangeEventSchema.parse(JSON.parse(payload ?? ''));
    } catch (error) {
      this.options.onError(error, 'ignored a malformed change notification');
      return;
    }
    if (this.#held !== undefined) this.#held.push(event);
    else this.#deliver(event);
  }

  #deliver(event: ChangeEvent): void {
    if (this.#lastSeq !== undefined && event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.options.subscribers.emit(event);
  }
}
