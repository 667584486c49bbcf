// A TCP proxy on loopback between clients and a server, with switchable faults: refuse or
// black-hole new connections, delay bytes, duplicate whole connections (the server gets every
// request twice, the client sees one answer), reset every open connection, and cut event streams
// in the middle of a message.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyFault =
  /** Everything passes. */
  | { readonly kind: 'none' }
  /** New connections are closed at once (the client sees a reset). */
  | { readonly kind: 'refuse' }
  /** New connections are accepted and never answered, until the fault changes (then dropped). */
  | { readonly kind: 'blackhole' }
  /** Every chunk, both ways, waits this long. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Each connection's client bytes also go to a second server connection whose answers vanish. */
  | { readonly kind: 'duplicate' }
  /** Server-to-client event streams are cut after this many bytes (mid-message, usually). */
  | { readonly kind: 'cut-streams'; readonly afterBytes: number };

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  twin: Socket | undefined;
  /** Caught by a black hole while open: bytes stop flowing both ways, nothing is closed. */
  stalled: boolean;
  /** Event-stream bytes sent to the client since the current fault began. */
  streamBytes: number;
}

export class TcpProxy {
  #server: Server | undefined;
  #fault: ProxyFault = { kind: 'none' };
  readonly #pairs = new Set<Pair>();
  readonly stats = { connections: 0, refused: 0, blackholed: 0, duplicated: 0, resets: 0, cuts: 0 };
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.#accept(client);
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.port = address.port;
  }

  /**
   * Switches the fault. A black hole also stalls the open connections (a dead network path);
   * leaving it drops whatever it held, as the operating system eventually would.
   */
  setFault(fault: ProxyFault): void {
    const leaving = this.#fault.kind;
    this.#fault = fault;
    for (const pair of this.#pairs) {
      pair.streamBytes = 0;
      if (fault.kind === 'blackhole') pair.stalled = true;
    }
    if (leaving === 'blackhole' && fault.kind !== 'blackhole') {
      for (const pair of [...this.#pairs])
        if (pair.stalled || pair.upstream === undefined) this.#destroy(pair);
    }
  }

  /** Resets every open connection, event streams included. */
  resetAll(): void {
    for (const pair of [...this.#pairs]) {
      this.stats.resets += 1;
      pair.client.resetAndDestroy();
      this.#destroy(pair);
    }
  }

  async stop(): Promise<void> {
    this.resetAll();
    const server = this.#server;
    if (server !== undefined)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  #destroy(pair: Pair): void {
    pair.client.destroy();
    pair.upstream?.destroy();
    pair.twin?.destroy();
    this.#pairs.delete(pair);
  }

  #accept(client: Socket): void {
    this.stats.connections += 1;
    const fault = this.#fault;
    const pair: Pair = { client, upstream: undefined, twin: undefined, stalled: false, streamBytes: 0 };
    this.#pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      this.#destroy(pair);
    });
    if (fault.kind === 'refuse') {
      this.stats.refused += 1;
      client.resetAndDestroy();
      this.#pairs.delete(pair);
      return;
    }
    if (fault.kind === 'blackhole') {
      this.stats.blackholed += 1;
      // Read and discard: the request goes nowhere and no answer ever comes.
      client.resume();
      return;
    }
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => {
      this.#destroy(pair);
    });
    if (fault.kind === 'duplicate') {
      this.stats.duplicated += 1;
      const twin = createConnection({ host: this.targetHost, port: this.targetPort });
      pair.twin = twin;
      twin.on('error', () => undefined);
      twin.resume();
    }
    let isStream = false;
    // Each direction is one ordered queue: a delay holds bytes back, never reorders them.
    const toServer = this.#queue();
    const toClient = this.#queue();
    client.on('data', (chunk: Buffer) => {
      if (pair.stalled) return;
      toServer(() => {
        upstream.write(chunk);
        pair.twin?.write(chunk);
      });
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.stalled) return;
      toClient(() => {
        const current = this.#fault;
        isStream ||= chunk.includes('text/event-stream');
        if (isStream && current.kind === 'cut-streams') {
          pair.streamBytes += chunk.length;
          if (pair.streamBytes > current.afterBytes) {
            const keep = Math.max(0, chunk.length - (pair.streamBytes - current.afterBytes));
            this.stats.cuts += 1;
            client.write(chunk.subarray(0, keep), () => {
              this.#destroy(pair);
            });
            return;
          }
        }
        client.write(chunk);
      });
    });
    client.on('end', () => {
      toServer(() => {
        upstream.end();
        pair.twin?.end();
      });
    });
    upstream.on('end', () => {
      toClient(() => client.end());
    });
    upstream.on('close', () => {
      toClient(() => {
        this.#destroy(pair);
      });
    });
  }

  /** An ordered queue of writes; each waits out the delay in force when it was queued. */
  #queue(): (action: () => void) => void {
    let tail = Promise.resolve();
    return (action) => {
      const fault = this.#fault;
      const wait = fault.kind === 'delay' ? fault.ms : 0;
      tail = tail
        .then(() => (wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)) : undefined))
        .then(action, action);
    };
  }
}
