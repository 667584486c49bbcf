// An in-process network shim for one device: records every push exchange, and on request
// duplicates the next push or pull, or holds the next push back so a later one overtakes it.
import type { PushReply } from './owner-api.ts';

export interface PushExchange {
  /** Order in which the server answered, across every device sharing the log. */
  readonly order: number;
  readonly device: string;
  readonly collection: string;
  readonly status: number;
  readonly rows: readonly {
    readonly assumedMasterState: Record<string, unknown> | null;
    readonly newDocumentState: Record<string, unknown>;
  }[];
  readonly reply: PushReply | undefined;
  /** The raw request, to replay it later (I5). */
  readonly url: string;
  readonly body: string;
  /** A duplicate the device never saw the answer to (or whose answer replaced the first). */
  readonly duplicate: boolean;
}

export class ExchangeLog {
  readonly exchanges: PushExchange[] = [];
  #order = 0;

  next(): number {
    this.#order += 1;
    return this.#order;
  }
}

export interface HeldPush {
  /** Resolves once the device sent its next push (which is then held). */
  readonly captured: Promise<void>;
  readonly isCaptured: () => boolean;
  /** Lets the held push go (or cancels the hold if nothing was captured yet). */
  release(): void;
}

type Kind = 'push' | 'pull' | 'other';

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function kindOf(url: string, method: string): Kind {
  const path = new URL(url).pathname;
  if (method === 'POST' && path.endsWith('/push')) return 'push';
  if (path.endsWith('/pull')) return 'pull';
  return 'other';
}

export class DeliveryControl {
  #duplicate: { push?: 'first' | 'second'; pull?: 'first' | 'second' } = {};
  #hold: { onCapture: () => void; released: Promise<void>; captured: boolean } | undefined;
  /** Pushes held right now (at most one). */
  holding = false;

  constructor(
    readonly device: string,
    private readonly log: ExchangeLog,
    private readonly inner: typeof fetch = fetch,
  ) {}

  readonly fetch: typeof fetch = (input, init) => this.#deliver(input, init);

  /** Delivers the next push (or pull) twice; the device gets the first or the second answer. */
  duplicateNext(kind: 'push' | 'pull', answer: 'first' | 'second'): void {
    this.#duplicate[kind] = answer;
  }

  disarmDuplicate(kind: 'push' | 'pull'): void {
    this.#duplicate[kind] = undefined;
  }

  holdNextPush(): HeldPush {
    let onCapture: () => void = () => undefined;
    let release: () => void = () => undefined;
    const captured = new Promise<void>((resolve) => (onCapture = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = { onCapture, released, captured: false };
    this.#hold = hold;
    return {
      captured,
      isCaptured: () => hold.captured,
      release: () => {
        if (this.#hold === hold) this.#hold = undefined;
        release();
      },
    };
  }

  async #deliver(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): Promise<Response> {
    const url = urlOf(input);
    const kind = kindOf(url, init?.method ?? 'GET');
    if (kind === 'other') return this.inner(input, init);
    if (kind === 'push' && this.#hold !== undefined && !this.#hold.captured) {
      const hold = this.#hold;
      hold.captured = true;
      this.holding = true;
      hold.onCapture();
      await hold.released;
      this.holding = false;
    }
    const answer = this.#duplicate[kind];
    this.#duplicate[kind] = undefined;
    const first = await this.#send(kind, url, input, init, false);
    if (answer === undefined) return first.response;
    const second = await this.#send(kind, url, input, init, true);
    return answer === 'second' ? second.response : first.response;
  }

  async #send(
    kind: Kind,
    url: string,
    input: Parameters<typeof fetch>[0],
    init: RequestInit | undefined,
    duplicate: boolean,
  ): Promise<{ response: Response }> {
    const response = await this.inner(input, init);
    const text = await response.text();
    if (kind === 'push' && typeof init?.body === 'string') {
      const body = init.body;
      const request = JSON.parse(body) as { rows: PushExchange['rows'] };
      let reply: PushReply | undefined;
      try {
        reply = JSON.parse(text) as PushReply;
      } catch {
        reply = undefined;
      }
      this.log.exchanges.push({
        order: this.log.next(),
        device: this.device,
        collection: new URL(url).pathname.split('/').at(-2) ?? '',
        status: response.status,
        rows: request.rows,
        reply: response.status === 200 ? reply : undefined,
        url,
        body,
        duplicate,
      });
    }
    return {
      response: new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      }),
    };
  }
}
